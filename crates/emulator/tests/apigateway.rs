//! API Gateway's control plane with aws-sdk-apigateway: REST APIs, resources, methods,
//! integrations and their responses, with AWS's error codes, messages and statuses
//! (deployments and stages are in `apigateway_stages.rs`).

#[path = "common/apigateway.rs"]
mod apigw;
mod common;

use apigw::{client, lambda_uri, method, resource, rest_api};
use aws_sdk_apigateway::types::{
    EndpointConfiguration, EndpointType, IntegrationType, Op, PatchOperation,
};
use common::iam::failure;

fn patch(op: Op, path: &str, value: Option<&str>) -> PatchOperation {
    PatchOperation::builder().op(op).path(path).set_value(value.map(Into::into)).build()
}

#[tokio::test]
async fn rest_apis_are_created_listed_in_pages_updated_and_deleted() {
    let emulator = common::start().await;
    let client = client(&emulator).await;
    let created = client
        .create_rest_api()
        .name("customer-api")
        .description("the serverless-api lab")
        .endpoint_configuration(
            EndpointConfiguration::builder().types(EndpointType::Regional).build(),
        )
        .tags("awslab:lab", "serverless-api")
        .send()
        .await
        .expect("CreateRestApi");
    let id = created.id().unwrap().to_string();
    assert_eq!(id.len(), 10);
    assert!(id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()), "{id}");
    assert_eq!(created.name(), Some("customer-api"));
    assert_eq!(created.endpoint_configuration().unwrap().types(), [EndpointType::Regional]);
    assert_eq!(created.api_key_source().map(|s| s.as_str()), Some("HEADER"));
    let age =
        time::OffsetDateTime::now_utc().unix_timestamp() - created.created_date().unwrap().secs();
    assert!((0..60).contains(&age), "createdDate is epoch seconds: {age}");
    let root = created.root_resource_id().unwrap();
    let resources = client.get_resources().rest_api_id(&id).send().await.unwrap();
    assert_eq!(resources.items().len(), 1);
    assert_eq!((resources.items()[0].id(), resources.items()[0].path()), (Some(root), Some("/")));

    let edge = client.create_rest_api().name("edge").send().await.unwrap();
    assert_eq!(edge.endpoint_configuration().unwrap().types(), [EndpointType::Edge]);
    for name in ["b", "c"] {
        client.create_rest_api().name(name).send().await.unwrap();
    }
    let first = client.get_rest_apis().limit(3).send().await.unwrap();
    let names: Vec<_> = first.items().iter().filter_map(|api| api.name()).collect();
    assert_eq!(names, ["customer-api", "edge", "b"]);
    let position = first.position().expect("a next page").to_string();
    let second = client.get_rest_apis().limit(3).position(position).send().await.unwrap();
    assert_eq!(second.items().iter().filter_map(|api| api.name()).collect::<Vec<_>>(), ["c"]);
    assert_eq!(second.position(), None);

    let updated = client
        .update_rest_api()
        .rest_api_id(&id)
        .patch_operations(patch(Op::Replace, "/name", Some("customers-api")))
        .patch_operations(patch(Op::Add, "/binaryMediaTypes/image~1png", None))
        .patch_operations(patch(Op::Replace, "/minimumCompressionSize", Some("1024")))
        .send()
        .await
        .expect("UpdateRestApi");
    assert_eq!(updated.name(), Some("customers-api"));
    assert_eq!(updated.binary_media_types(), ["image/png"]);
    assert_eq!(updated.minimum_compression_size(), Some(1024));
    assert_eq!(updated.tags().unwrap()["awslab:lab"], "serverless-api");
    let error = client
        .update_rest_api()
        .rest_api_id(&id)
        .patch_operations(patch(Op::Replace, "/bogus", Some("x")))
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        ("BadRequestException".into(), "Invalid patch path /bogus".into(), 400)
    );

    let deleted = client.delete_rest_api().rest_api_id(&id).send().await;
    assert!(deleted.is_ok(), "{deleted:?}");
    let error = client.get_rest_api().rest_api_id(&id).send().await.unwrap_err();
    assert_eq!(
        failure(error),
        (
            "NotFoundException".into(),
            format!("Invalid API identifier specified 000000000000:{id}"),
            404
        )
    );
}

#[tokio::test]
async fn create_rest_api_refuses_what_aws_refuses() {
    let emulator = common::start().await;
    let client = client(&emulator).await;
    let error = client
        .create_rest_api()
        .name("x")
        .endpoint_configuration(
            EndpointConfiguration::builder().types(EndpointType::from("wrong")).build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        (
            "ValidationException".into(),
            "1 validation error detected: Value '[wrong]' at \
             'createRestApiInput.endpointConfiguration.types' failed to satisfy constraint: \
             Member must satisfy constraint: [Member must satisfy enum value set: [PRIVATE, \
             EDGE, REGIONAL]]"
                .into(),
            400
        )
    );
    let error = client
        .create_rest_api()
        .name("x")
        .endpoint_configuration(
            EndpointConfiguration::builder()
                .types(EndpointType::Edge)
                .types(EndpointType::Regional)
                .build(),
        )
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).1, "Cannot create an api with multiple Endpoint Types.");
    let error = client.create_rest_api().name("x").description("").send().await.unwrap_err();
    assert_eq!(
        failure(error),
        ("BadRequestException".into(), "Description cannot be an empty string".into(), 400)
    );
    let private = client
        .create_rest_api()
        .name("private")
        .endpoint_configuration(
            EndpointConfiguration::builder().types(EndpointType::Private).build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(
        private.endpoint_configuration().unwrap().ip_address_type().unwrap().as_str(),
        "dualstack"
    );
}

#[tokio::test]
async fn resources_follow_aws_rules_for_names_parameters_and_greedy_paths() {
    let emulator = common::start().await;
    let client = client(&emulator).await;
    let (api, root) = rest_api(&client, "pets").await;
    let customer = resource(&client, &api, &root, "customer").await;
    let created =
        client.get_resource().rest_api_id(&api).resource_id(&customer).send().await.unwrap();
    assert_eq!(
        (created.path(), created.path_part(), created.parent_id()),
        (Some("/customer"), Some("customer"), Some(root.as_str()))
    );

    let error = client
        .create_resource()
        .rest_api_id(&api)
        .parent_id(&root)
        .path_part("customer")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        (
            "ConflictException".into(),
            "Another resource with the same parent already has this name: customer".into(),
            409
        )
    );
    let pets = resource(&client, &api, &root, "pets").await;
    let pet = resource(&client, &api, &pets, "{petId}").await;
    let error = client
        .create_resource()
        .rest_api_id(&api)
        .parent_id(&pets)
        .path_part("{other}")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error).1,
        "A sibling ({petId}) of this resource already has a variable path part -- only one is allowed"
    );
    let proxy = resource(&client, &api, &root, "{proxy+}").await;
    let error = client
        .create_resource()
        .rest_api_id(&api)
        .parent_id(&proxy)
        .path_part("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        (
            "BadRequestException".into(),
            "Cannot create a child of a resource with a greedy path variable: {proxy+}".into(),
            400
        )
    );
    let error = client
        .create_resource()
        .rest_api_id(&api)
        .parent_id(&root)
        .path_part("a b")
        .send()
        .await
        .unwrap_err();
    assert!(
        failure(error)
            .1
            .starts_with("Resource's path part only allow a-zA-Z0-9._- and curly braces")
    );
    let error = client
        .create_resource()
        .rest_api_id(&api)
        .parent_id("nope")
        .path_part("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        ("NotFoundException".into(), "Invalid Resource identifier specified".into(), 404)
    );
    let error = client
        .create_resource()
        .rest_api_id("nope")
        .parent_id(&root)
        .path_part("x")
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).1, "Invalid Resource identifier specified");

    method(&client, &api, &pet, "GET").await;
    let plain = client.get_resources().rest_api_id(&api).send().await.unwrap();
    let listed = plain.items().iter().find(|r| r.id() == Some(pet.as_str())).unwrap();
    assert_eq!(listed.path(), Some("/pets/{petId}"));
    assert!(listed.resource_methods().unwrap()["GET"].authorization_type().is_none());
    let embedded = client.get_resources().rest_api_id(&api).embed("methods").send().await.unwrap();
    let listed = embedded.items().iter().find(|r| r.id() == Some(pet.as_str())).unwrap();
    assert_eq!(listed.resource_methods().unwrap()["GET"].authorization_type(), Some("NONE"));

    let error = client
        .update_resource()
        .rest_api_id(&api)
        .resource_id(&pets)
        .patch_operations(patch(Op::Replace, "/parentId", Some(&pet)))
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).1, "Resources cannot be cyclical.");
    let renamed = client
        .update_resource()
        .rest_api_id(&api)
        .resource_id(&pets)
        .patch_operations(patch(Op::Replace, "/pathPart", Some("dogs")))
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.path(), Some("/dogs"));
    let moved = client.get_resource().rest_api_id(&api).resource_id(&pet).send().await.unwrap();
    assert_eq!(moved.path(), Some("/dogs/{petId}"));

    client
        .delete_resource()
        .rest_api_id(&api)
        .resource_id(&pets)
        .send()
        .await
        .expect("DeleteResource");
    let error = client.get_resource().rest_api_id(&api).resource_id(&pet).send().await.unwrap_err();
    assert_eq!(
        failure(error).1,
        "Invalid Resource identifier specified",
        "children go with their parent"
    );
    assert_eq!(client.get_resources().rest_api_id(&api).send().await.unwrap().items().len(), 3);
}

#[tokio::test]
async fn methods_integrations_and_their_responses() {
    let emulator = common::start().await;
    let client = client(&emulator).await;
    let (api, root) = rest_api(&client, "customer-api").await;
    let customer = resource(&client, &api, &root, "customer").await;
    let put = client
        .put_method()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .authorization_type("NONE")
        .send()
        .await
        .expect("PutMethod");
    assert_eq!(
        (put.http_method(), put.authorization_type(), put.api_key_required()),
        (Some("POST"), Some("NONE"), Some(false))
    );
    let again = client
        .put_method()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .authorization_type("NONE")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(again),
        ("ConflictException".into(), "Method already exists for this resource".into(), 409)
    );
    let bad_verb = client
        .put_method()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("FETCH")
        .authorization_type("NONE")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(bad_verb).1,
        "Invalid HttpMethod specified. Valid options are GET,PUT,POST,DELETE,PATCH,OPTIONS,HEAD,ANY"
    );
    let missing = client
        .get_method()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("GET")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(missing),
        ("NotFoundException".into(), "Invalid Method identifier specified".into(), 404)
    );

    let integration = |kind: IntegrationType| {
        client
            .put_integration()
            .rest_api_id(&api)
            .resource_id(&customer)
            .http_method("POST")
            .r#type(kind)
    };
    let cases = [
        (
            integration(IntegrationType::Aws).uri(lambda_uri("addCustomer")),
            "Enumeration value for HttpMethod must be non-empty",
        ),
        (
            integration(IntegrationType::AwsProxy)
                .integration_http_method("POST")
                .uri("arn:aws:lambda:ap-northeast-2:000000000000:function:addCustomer"),
            "AWS ARN for integration must contain path or action",
        ),
        (
            integration(IntegrationType::Aws).integration_http_method("POST").uri("bad-arn"),
            "Invalid ARN specified in the request",
        ),
        (
            integration(IntegrationType::AwsProxy)
                .integration_http_method("POST")
                .uri("arn:aws:apigateway:ap-northeast-2:lambda:path/random/value/invocations"),
            "Integrations of type 'AWS_PROXY' currently only supports Lambda function and Firehose stream invocations.",
        ),
        (
            integration(IntegrationType::Aws)
                .integration_http_method("POST")
                .uri(lambda_uri("addCustomer"))
                .timeout_in_millis(30_000),
            "Timeout should be between 50 ms and 29000 ms",
        ),
        (
            integration(IntegrationType::Http).integration_http_method("GET").uri("ftp://x"),
            "Invalid HTTP endpoint specified for URI",
        ),
    ];
    for (request, message) in cases {
        let error = request.send().await.unwrap_err();
        assert_eq!(failure(error), ("BadRequestException".into(), message.into(), 400));
    }
    let error = integration(IntegrationType::from("HTTPS_PROXY")).send().await.unwrap_err();
    assert_eq!(
        failure(error),
        (
            "ValidationException".into(),
            "1 validation error detected: Value 'HTTPS_PROXY' at 'putIntegrationInput.type' failed to satisfy constraint: Member must satisfy enum value set: [HTTP, MOCK, AWS_PROXY, HTTP_PROXY, AWS]".into(),
            400
        )
    );
    let missing = client
        .get_integration()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(missing).1, "Invalid Integration identifier specified");

    let created = integration(IntegrationType::Aws)
        .integration_http_method("POST")
        .uri(lambda_uri("addCustomer"))
        .send()
        .await
        .expect("PutIntegration");
    assert_eq!(created.timeout_in_millis(), 29_000);
    assert_eq!(created.passthrough_behavior(), Some("WHEN_NO_MATCH"));
    assert_eq!(created.cache_namespace(), Some(customer.as_str()));
    assert_eq!(created.http_method(), Some("POST"));
    client
        .put_method_response()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .status_code("200")
        .response_models("application/json", "Empty")
        .send()
        .await
        .expect("PutMethodResponse");
    let response = client
        .put_integration_response()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .status_code("200")
        .selection_pattern("")
        .send()
        .await
        .expect("PutIntegrationResponse");
    assert_eq!((response.status_code(), response.selection_pattern()), (Some("200"), Some("")));
    let error = client
        .get_integration_response()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .status_code("400")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        ("NotFoundException".into(), "Invalid Response status code specified".into(), 404)
    );
    let error = client
        .put_method_response()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .status_code("wrong")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        ("ValidationException".into(), "1 validation error detected: Value 'wrong' at 'statusCode' failed to satisfy constraint: Member must satisfy regular expression pattern: [1-5]\\d\\d".into(), 400)
    );

    let updated = client
        .update_integration()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .patch_operations(patch(
            Op::Add,
            "/requestTemplates/application~1json",
            Some("$input.json('$')"),
        ))
        .patch_operations(patch(Op::Replace, "/timeoutInMillis", Some("5000")))
        .send()
        .await
        .expect("UpdateIntegration");
    assert_eq!(updated.request_templates().unwrap()["application/json"], "$input.json('$')");
    assert_eq!(updated.timeout_in_millis(), 5000);
    let updated = client
        .update_method()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .patch_operations(patch(Op::Replace, "/apiKeyRequired", Some("true")))
        .send()
        .await
        .expect("UpdateMethod");
    assert_eq!(updated.api_key_required(), Some(true));
    let method = client
        .get_method()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .send()
        .await
        .unwrap();
    let integration_shown = method.method_integration().expect("the integration");
    assert_eq!(
        integration_shown.integration_responses().unwrap()["200"].status_code(),
        Some("200")
    );
    assert_eq!(
        method.method_responses().unwrap()["200"].response_models().unwrap()["application/json"],
        "Empty"
    );

    client
        .delete_integration_response()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .status_code("200")
        .send()
        .await
        .expect("DeleteIntegrationResponse");
    client
        .delete_method_response()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .status_code("200")
        .send()
        .await
        .expect("DeleteMethodResponse");
    client
        .delete_integration()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .send()
        .await
        .expect("DeleteIntegration");
    let error = client
        .get_integration()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .send()
        .await
        .unwrap_err();
    assert_eq!(failure(error).1, "Invalid Integration identifier specified");
    client
        .delete_method()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .send()
        .await
        .expect("DeleteMethod");
    let error = client
        .delete_method()
        .rest_api_id(&api)
        .resource_id(&customer)
        .http_method("POST")
        .send()
        .await
        .unwrap_err();
    assert_eq!(
        failure(error),
        ("NotFoundException".into(), "Invalid Method identifier specified".into(), 404)
    );
}

#[tokio::test]
async fn operations_not_implemented_answer_a_well_formed_error() {
    let emulator = common::start().await;
    let client = client(&emulator).await;
    let error = client.create_domain_name().domain_name("api.example.com").send().await;
    let (code, message, status) = failure(error.unwrap_err());
    assert_eq!((code.as_str(), status), ("NotImplemented", 501));
    assert!(message.contains("API Gateway CreateDomainName"), "{message}");
    let error = client.get_account().send().await.unwrap_err();
    assert_eq!(failure(error).0, "NotImplemented");
}
