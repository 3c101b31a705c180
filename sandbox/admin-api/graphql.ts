// One Admin GraphQL request, the way Shopify handles it: parse and validate
// against the real schema (errors in Shopify's shape, nothing run), reject a
// query costing more than 1,000 points, charge the shop's leaky bucket (or
// answer THROTTLED without running), run it, give back what it did not use,
// and report the cost in `extensions.cost`.
import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  parse,
  print,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import type { LeakyBucket, ThrottleStatus } from "./bucket.ts";
import { actualCost, requestedCost } from "./cost.ts";
import {
  executionError,
  maxCostExceeded,
  parseError,
  throttled,
  validationError,
  type ShopifyError,
} from "./errors.ts";
import { fieldResolver, rootValue, typeResolver, type ResolverContext } from "./resolvers/index.ts";

export const MAX_QUERY_COST = 1000;

export interface GraphqlRequest {
  query: string;
  variables?: Record<string, unknown> | null;
  operationName?: string | null;
}

export interface QueryCost {
  requestedQueryCost: number;
  actualQueryCost: number | null;
  throttleStatus: ThrottleStatus;
}

export interface GraphqlAnswer {
  body: { data?: unknown; errors?: ShopifyError[]; extensions?: { cost: QueryCost } };
  throttled: boolean;
}

function errorsOnly(errors: ShopifyError[]): GraphqlAnswer {
  return { body: { errors }, throttled: false };
}

function fragmentsOf(document: DocumentNode): FragmentDefinitionNode[] {
  return document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION);
}

function variableErrors(errors: readonly GraphQLError[], operation: OperationDefinitionNode): ShopifyError[] {
  return errors.map((error) => {
    const name = /Variable "\$(\w+)"/.exec(error.message)?.[1] ?? "";
    const definition = operation.variableDefinitions?.find((d) => d.variable.name.value === name);
    return {
      message: `Variable $${name} of type ${definition ? print(definition.type) : "unknown"} was provided invalid value`,
      locations: error.locations?.map(({ line, column }) => ({ line, column })),
      extensions: { code: "INVALID_VARIABLE", problems: [{ path: [], explanation: error.message }] },
    };
  });
}

export async function runGraphql(
  schema: GraphQLSchema,
  bucket: LeakyBucket,
  context: ResolverContext,
  request: GraphqlRequest,
  log: (message: string) => void = console.error,
): Promise<GraphqlAnswer> {
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch (error) {
    if (error instanceof GraphQLError) return errorsOnly([parseError(error, request.query)]);
    throw error;
  }
  const invalid = validate(schema, document);
  if (invalid.length > 0) return errorsOnly(invalid.map((error) => validationError(error, document)));
  const operation = getOperationAST(document, request.operationName ?? undefined);
  if (!operation) {
    const message = request.operationName
      ? `No operation named "${request.operationName}"`
      : "An operation name is required";
    return errorsOnly([{ message, extensions: { code: "OPERATION_NAME_REQUIRED" } }]);
  }
  if (operation.operation === "subscription") {
    return errorsOnly([
      { message: "Subscriptions are not supported by the Admin API", extensions: { code: "BAD_REQUEST" } },
    ]);
  }
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {});
  if (coerced.errors) return errorsOnly(variableErrors(coerced.errors, operation));

  const fragments = fragmentsOf(document);
  const requested = requestedCost(schema, operation, fragments, coerced.coerced);
  const cost = (actual: number | null): QueryCost => ({
    requestedQueryCost: requested,
    actualQueryCost: actual,
    throttleStatus: bucket.status(),
  });
  if (requested > MAX_QUERY_COST) {
    return {
      body: { errors: [maxCostExceeded(requested, MAX_QUERY_COST)], extensions: { cost: cost(null) } },
      throttled: false,
    };
  }
  if (!bucket.take(requested))
    return { body: { errors: [throttled()], extensions: { cost: cost(null) } }, throttled: true };

  const result = await execute({
    schema,
    document,
    rootValue,
    contextValue: context,
    variableValues: request.variables ?? {},
    operationName: request.operationName ?? undefined,
    fieldResolver,
    typeResolver,
  });
  for (const error of result.errors ?? []) {
    if (error.originalError && !(error.originalError instanceof GraphQLError))
      log(error.originalError.stack ?? error.message);
  }
  const actual = actualCost(schema, operation, fragments, coerced.coerced, result.data);
  bucket.giveBack(requested - actual);
  const body: GraphqlAnswer["body"] = {};
  if (result.errors?.length) body.errors = result.errors.map(executionError);
  body.data = result.data ?? null;
  body.extensions = { cost: cost(actual) };
  return { body, throttled: false };
}
