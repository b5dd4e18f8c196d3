// orders-authorizer: a TOKEN authorizer. API Gateway calls it with
//   { type: "TOKEN", authorizationToken: "<the Authorization header>", methodArn: "arn:aws:execute-api:..." }
// and expects a principal and an IAM policy that allows or denies execute-api:Invoke on the method.
// Throwing new Error("Unauthorized") makes API Gateway answer 401.

export const handler = async (event) => {
  const token = event.authorizationToken;
  // TODO: "allow" -> policy("partner-1", "Allow", event.methodArn)
  //       "deny"  -> policy("partner-2", "Deny", event.methodArn)
  //       anything else -> throw new Error("Unauthorized")
  throw new Error("Unauthorized");
};

function policy(principalId, effect, resource) {
  return {
    principalId,
    policyDocument: {
      Version: "2012-10-17",
      Statement: [{ Action: "execute-api:Invoke", Effect: effect, Resource: resource }],
    },
    // Handed to the integration as event.requestContext.authorizer.<key>.
    context: { plan: "basic" },
  };
}
