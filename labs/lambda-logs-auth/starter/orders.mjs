// orders-service: one Lambda function behind the routes of a REST API.
// Lambda calls `handler` with the event (what the caller sent) and the context (about this
// invocation and the function). Whatever it returns is the invocation's result.

const orders = [
  { id: "A-1", item: "coffee beans", quantity: 2 },
  { id: "A-2", item: "paper filters", quantity: 1 },
];

export const handler = async (event, context) => {
  // console.log lines go to the log group /aws/lambda/<function name>.
  console.log("event:", JSON.stringify(event));

  // A test event from the console (or `aws lambda invoke`): no HTTP method in it.
  // Show what Lambda handed the function.
  if (!event.httpMethod) {
    return {
      received: event,
      functionName: context.functionName,
      awsRequestId: context.awsRequestId,
      memoryLimitInMB: context.memoryLimitInMB,
      logGroupName: context.logGroupName,
      remainingTimeInMillis: context.getRemainingTimeInMillis(),
    };
  }

  // Through API Gateway's proxy integration: route by method (and path).
  if (event.httpMethod === "GET" && event.pathParameters?.id) {
    const order = orders.find((o) => o.id === event.pathParameters.id);
    return reply(order ? 200 : 404, order ?? { message: "no such order" });
  }
  if (event.httpMethod === "GET") {
    return reply(200, { orders });
  }
  if (event.httpMethod === "POST") {
    const order = { id: "A-3", ...JSON.parse(event.body || "{}") };
    // Set once an authorizer guards POST: who the authorizer said the caller is.
    order.orderedBy = event.requestContext?.authorizer?.principalId ?? "anonymous";
    return reply(201, order);
  }

  return reply(405, { message: `${event.httpMethod} is not supported` });
};

function reply(statusCode, body) {
  return { statusCode, headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
}
