// GraphQL errors in the shape Shopify's Admin API (graphql-ruby) answers with:
// HTTP 200, `{"errors":[{message, locations, path, extensions:{code, ...}}]}`.
// graphql-js finds the same problems; this file rewrites its messages into
// graphql-ruby's wording and codes, and gives each error graphql-ruby's path
// (from the operation or fragment down to the offending field or argument).
import { BREAK, GraphQLError, Lexer, Source, TokenKind, visit, type ASTNode, type DocumentNode } from "graphql";

export interface ShopifyError {
  message: string;
  locations?: { line: number; column: number }[];
  path?: (string | number)[];
  extensions?: Record<string, unknown>;
}

const RATE_LIMITS_DOC = "https://shopify.dev/api/usage/rate-limits";

interface Rewrite {
  pattern: RegExp;
  rewrite(match: string[]): { message: string; extensions: Record<string, unknown> };
}

/** graphql-js message → graphql-ruby message and extensions, one entry per validation rule. */
const REWRITES: Rewrite[] = [
  {
    pattern: /^Cannot query field "(\w+)" on type "(\w+)"\./,
    rewrite: ([, field, type]) => ({
      message: `Field '${field}' doesn't exist on type '${type}'`,
      extensions: { code: "undefinedField", typeName: type, fieldName: field },
    }),
  },
  {
    pattern: /^Unknown argument "(\w+)" on field "\w+\.(\w+)"\./,
    rewrite: ([, argument, field]) => ({
      message: `Field '${field}' doesn't accept argument '${argument}'`,
      extensions: { code: "argumentNotAccepted", name: field, typeName: "Field", argumentName: argument },
    }),
  },
  {
    pattern: /^Unknown argument "(\w+)" on directive "@(\w+)"\./,
    rewrite: ([, argument, directive]) => ({
      message: `Directive '${directive}' doesn't accept argument '${argument}'`,
      extensions: { code: "argumentNotAccepted", name: directive, typeName: "Directive", argumentName: argument },
    }),
  },
  {
    pattern: /^Field "(\w+)" argument "(\w+)" of type ".+" is required, but it was not provided\./,
    rewrite: ([, field, argument]) => ({
      message: `Field '${field}' is missing required arguments: ${argument}`,
      extensions: { code: "missingRequiredArguments", className: "Field", name: field, arguments: argument },
    }),
  },
  {
    pattern: /^Directive "@(\w+)" argument "(\w+)" of type ".+" is required, but it was not provided\./,
    rewrite: ([, directive, argument]) => ({
      message: `Directive '${directive}' is missing required arguments: ${argument}`,
      extensions: { code: "missingRequiredArguments", className: "Directive", name: directive, arguments: argument },
    }),
  },
  {
    pattern: /^Field "(\w+)" of type "\[?(\w+)[!\]]*" must have a selection of subfields/,
    rewrite: ([, field, type]) => ({
      message: `Field must have selections (field '${field}' returns ${type} but has no selections. Did you mean '${field} { ... }'?)`,
      extensions: { code: "selectionMismatch", nodeName: `field '${field}'`, typeName: type },
    }),
  },
  {
    pattern: /^Field "(\w+)" must not have a selection since type "\[?(\w+)[!\]]*" has no subfields\./,
    rewrite: ([, field, type]) => ({
      message: `Selections can't be made on scalars (field '${field}' returns ${type} but has selections)`,
      extensions: { code: "selectionMismatch", nodeName: `field '${field}'`, typeName: type },
    }),
  },
  {
    pattern: /^Variable "\$(\w+)" is not defined(?: by operation "(\w+)")?\./,
    rewrite: ([, variable, operation]) => ({
      message: `Variable $${variable} is used by ${operation ?? "anonymous query"} but not declared`,
      extensions: { code: "variableNotDefined", variableName: variable },
    }),
  },
  {
    pattern: /^Variable "\$(\w+)" is never used(?: in operation "(\w+)")?\./,
    rewrite: ([, variable, operation]) => ({
      message: `Variable $${variable} is declared by ${operation ?? "anonymous query"} but not used`,
      extensions: { code: "variableNotUsed", variableName: variable },
    }),
  },
  {
    pattern: /^Variable "\$(\w+)" of type "(.+)" used in position expecting type "(.+)"\./,
    rewrite: ([, variable, given, expected]) => ({
      message: `Type mismatch on variable $${variable} and argument (${given} / ${expected})`,
      extensions: { code: "variableMismatch", variableName: variable, typeName: given },
    }),
  },
  {
    pattern: /^Unknown type "(\w+)"\./,
    rewrite: ([, type]) => ({
      message: `No such type ${type}, so it can't be a fragment condition`,
      extensions: { code: "undefinedType", typeName: type },
    }),
  },
  {
    pattern: /^Unknown fragment "(\w+)"\./,
    rewrite: ([, fragment]) => ({
      message: `Fragment ${fragment} was used, but not defined`,
      extensions: { code: "useAndDefineFragment", fragmentName: fragment },
    }),
  },
  {
    pattern: /^Fragment "(\w+)" is never used\./,
    rewrite: ([, fragment]) => ({
      message: `Fragment ${fragment} was defined, but not used`,
      extensions: { code: "useAndDefineFragment", fragmentName: fragment },
    }),
  },
  {
    pattern: /^Unknown directive "@(\w+)"\./,
    rewrite: ([, directive]) => ({
      message: `Directive @${directive} is not defined`,
      extensions: { code: "undefinedDirective", directiveName: directive },
    }),
  },
];

function locationsOf(error: GraphQLError): ShopifyError["locations"] {
  return error.locations?.map(({ line, column }) => ({ line, column }));
}

/** A validation error, reworded as Shopify words it, with the path to the offending node. */
export function validationError(error: GraphQLError, document: DocumentNode): ShopifyError {
  const node = error.nodes?.[0];
  const path = node ? documentPath(document, node) : [];
  for (const { pattern, rewrite } of REWRITES) {
    const match = pattern.exec(error.message);
    if (!match) continue;
    const { message, extensions } = rewrite([...match]);
    return { message, locations: locationsOf(error), path, extensions };
  }
  return {
    message: error.message,
    locations: locationsOf(error),
    path,
    extensions: { code: "argumentLiteralsIncompatible" },
  };
}

/** graphql-ruby's path of a node: the operation ("query Name") or fragment, then fields, fragments and arguments. */
function documentPath(document: DocumentNode, target: ASTNode): string[] {
  let path: string[] = [];
  visit(document, {
    enter(node, _key, _parent, _path, ancestors) {
      if (node !== target) return undefined;
      path = [...ancestors, node].flatMap((ancestor) => ("kind" in ancestor ? segment(ancestor as ASTNode) : []));
      return BREAK;
    },
  });
  return path;
}

function segment(node: ASTNode): string[] {
  switch (node.kind) {
    case "OperationDefinition":
      return [node.name ? `${node.operation} ${node.name.value}` : node.operation];
    case "FragmentDefinition":
      return [`fragment ${node.name.value}`];
    case "Field":
      return [(node.alias ?? node.name).value];
    case "InlineFragment":
      return [node.typeCondition ? `... on ${node.typeCondition.name.value}` : "..."];
    case "FragmentSpread":
      return [`... ${node.name.value}`];
    case "Argument":
    case "ObjectField":
      return [node.name.value];
    case "Directive":
      return [`@${node.name.value}`];
    default:
      return [];
  }
}

const TOKEN_NAMES: Partial<Record<TokenKind, string>> = {
  [TokenKind.BRACE_L]: "LCURLY",
  [TokenKind.BRACE_R]: "RCURLY",
  [TokenKind.PAREN_L]: "LPAREN",
  [TokenKind.PAREN_R]: "RPAREN",
  [TokenKind.BRACKET_L]: "LBRACKET",
  [TokenKind.BRACKET_R]: "RBRACKET",
  [TokenKind.COLON]: "COLON",
  [TokenKind.DOLLAR]: "VAR_SIGN",
  [TokenKind.BANG]: "BANG",
  [TokenKind.EQUALS]: "EQUALS",
  [TokenKind.AT]: "DIR_SIGN",
  [TokenKind.SPREAD]: "ELLIPSIS",
  [TokenKind.PIPE]: "PIPE",
  [TokenKind.AMP]: "AMP",
  [TokenKind.NAME]: "IDENTIFIER",
  [TokenKind.INT]: "INT",
  [TokenKind.FLOAT]: "FLOAT",
  [TokenKind.STRING]: "STRING",
  [TokenKind.BLOCK_STRING]: "STRING",
};

/** A syntax error as graphql-ruby reports it: `Parse error on "}" (RCURLY) at [3, 1]`. */
export function parseError(error: GraphQLError, source: string): ShopifyError {
  const location = error.locations?.[0];
  if (!location) return { message: `Parse error: ${error.message}` };
  const token = tokenAt(source, location.line, location.column);
  const message =
    token === null
      ? `Parse error: ${error.message.replace(/^Syntax Error: /, "")} at [${location.line}, ${location.column}]`
      : token.kind === TokenKind.EOF
        ? "Unexpected end of document"
        : `Parse error on ${JSON.stringify(token.value ?? token.kind)} (${TOKEN_NAMES[token.kind] ?? token.kind}) at [${location.line}, ${location.column}]`;
  return { message, locations: [{ line: location.line, column: location.column }] };
}

function tokenAt(source: string, line: number, column: number): { kind: TokenKind; value: string | undefined } | null {
  try {
    const lexer = new Lexer(new Source(source));
    for (let token = lexer.advance(); ; token = lexer.advance()) {
      if (token.kind === TokenKind.EOF || token.line > line || (token.line === line && token.column >= column)) {
        return { kind: token.kind, value: token.value };
      }
    }
  } catch {
    return null;
  }
}

/** An error raised while resolving: its message, where and, when it has one, its code. */
export function executionError(error: GraphQLError): ShopifyError {
  const internal = error.originalError && !(error.originalError instanceof GraphQLError);
  return {
    message: internal ? "Internal error. Looks like something went wrong on our end." : error.message,
    locations: locationsOf(error),
    path: error.path ? [...error.path] : undefined,
    extensions: internal ? { code: "INTERNAL_SERVER_ERROR" } : error.extensions,
  };
}

export function throttled(): ShopifyError {
  return { message: "Throttled", extensions: { code: "THROTTLED", documentation: RATE_LIMITS_DOC } };
}

export function maxCostExceeded(cost: number, maxCost: number): ShopifyError {
  return {
    message:
      `Query cost is ${cost}, which exceeds the single query max cost limit (${maxCost}).\n\n` +
      `See ${RATE_LIMITS_DOC} for more information on how the\ncost of a query is calculated.\n\n` +
      "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
      "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
    extensions: { code: "MAX_COST_EXCEEDED", cost, maxCost, documentation: RATE_LIMITS_DOC },
  };
}

/** An error the resolvers throw on purpose (bad argument, missing @idempotent), with Shopify's code. */
export function requestError(message: string, code: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}
