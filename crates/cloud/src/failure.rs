//! A call that failed: AWS's error code and message, and a plain explanation for a student.

use aws_sdk_iam::error::ProvideErrorMetadata;
use awslab_lab::Localized;
use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, ts_rs::TS)]
#[error("{service} {operation} failed: {code}: {message}")]
pub struct Failure {
    pub service: String,
    pub operation: String,
    /// AWS's error code (`EntityAlreadyExists`, `AccessDeniedException`, …), or
    /// `ConnectionFailed` when the target could not be reached.
    pub code: String,
    pub message: String,
    /// What it means, and what to do, in words a student understands.
    pub explanation: Localized,
}

impl Failure {
    /// A failure awslab itself found before calling (a bad parameter, a missing resource).
    pub fn local(service: &str, operation: &str, code: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        Failure {
            service: service.into(),
            operation: operation.into(),
            code: code.into(),
            explanation: explain(code, &message),
            message,
        }
    }

    /// An SDK error: a service error keeps its code and message; a call that never got an
    /// answer is `ConnectionFailed`.
    pub fn from_sdk<E, R>(
        service: &str,
        operation: &str,
        error: aws_sdk_iam::error::SdkError<E, R>,
    ) -> Self
    where
        E: ProvideErrorMetadata + std::error::Error + 'static,
        R: std::fmt::Debug + 'static,
    {
        use aws_sdk_iam::error::SdkError;
        let (code, message) = match &error {
            SdkError::ServiceError(inner) => (
                inner.err().code().unwrap_or("Unknown").to_string(),
                inner.err().message().unwrap_or_default().to_string(),
            ),
            SdkError::DispatchFailure(_) | SdkError::TimeoutError(_) => {
                ("ConnectionFailed".to_string(), describe(&error))
            }
            _ => ("ClientError".to_string(), describe(&error)),
        };
        Failure::local(service, operation, &code, message)
    }
}

/// The whole chain of an error, for errors with no AWS message.
fn describe(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}

/// Whether AWS refused a call only because an earlier change has not settled yet: a role
/// Lambda cannot assume yet, a function still `Pending` or being updated, a table being created
/// or deleted, a control plane's quota. Trying again a few seconds later succeeds.
pub fn is_settling(code: &str, message: &str) -> bool {
    match code {
        "InvalidParameterValueException" => message.contains("cannot be assumed by Lambda"),
        "ResourceConflictException" => {
            message.contains("The function is currently in the following state: Pending")
                || message.contains("An update is in progress for resource")
        }
        "ResourceInUseException" => {
            message.contains("Table is being created") || message.contains("Table is being deleted")
        }
        "TooManyRequestsException" | "ThrottlingException" | "Throttling" => true,
        _ => false,
    }
}

/// What an error code means for a student.
fn explain(code: &str, message: &str) -> Localized {
    let (ko, en) = match code {
        _ if is_settling(code, message) => (
            "AWS가 앞의 변경을 아직 마무리하는 중입니다(역할 전파, 함수 생성·업데이트, 테이블 생성, 호출 한도). 몇 초 기다린 뒤 다시 실행(Run)하세요. 이 단계를 건너뛰지 마세요.",
            "AWS is still finishing an earlier change (a role propagating, a function being created or updated, a table being made, a call quota). Wait a few seconds and press Run again; do not skip this step.",
        ),
        "EntityAlreadyExists"
        | "ResourceConflictException"
        | "ResourceInUseException"
        | "ResourceAlreadyExistsException"
        | "ConflictException"
        | "InvalidPermission.Duplicate"
        | "AlarmAlreadyExists" => (
            "같은 이름의 리소스가 이미 있습니다. 확인(Check)을 눌러 이 단계가 원하는 모습인지 보세요. 틀렸다면 그것을 지운 뒤 다시 실행(Run)하거나 다른 이름을 고르세요. awslab은 이 실습이 만들지 않은 것을 바꾸거나 지우지 않습니다.",
            "Something of that name already exists. Press Check to see whether it is what this step wants; if it is wrong, delete it and press Run again, or choose another name. awslab never changes or deletes what this lab did not make.",
        ),
        "DeleteConflict" | "DependencyViolation" => (
            "다른 리소스가 아직 이것을 쓰고 있어서 지울 수 없습니다(역할에 붙은 정책, 인스턴스가 쓰는 보안 그룹). 그것을 먼저 떼거나 지우세요. 방금 떼었다면 몇 초 뒤에 다시 하세요.",
            "Something still uses it, so it cannot be deleted yet (a policy attached to a role, a security group an instance is in): detach or delete that first. If you just did, try again in a few seconds.",
        ),
        "ConditionalCheckFailedException" => (
            "조건식이 맞지 않아 DynamoDB가 쓰기를 하지 않았습니다(예: 같은 키의 항목이 이미 있음). 조건과 항목을 확인하세요.",
            "DynamoDB did not write, because the condition did not hold (an item with that key exists already, say): check the condition and the item.",
        ),
        "ProvisionedThroughputExceededException" | "RequestLimitExceeded" => (
            "요청이 너무 빨라 AWS가 잠시 막았습니다. 잠깐 기다렸다가 다시 하세요.",
            "Requests came too fast and AWS held them back for a moment: wait a little and try again.",
        ),
        "SignatureDoesNotMatch" | "IncompleteSignature" => (
            "요청의 서명이 맞지 않습니다. 비밀 액세스 키가 틀렸거나 컴퓨터 시계가 크게 어긋났을 수 있습니다.",
            "The request's signature does not match: the secret access key is wrong, or the computer's clock is far off.",
        ),
        "InvalidGroup.NotFound" | "InvalidGroupId.Malformed" => (
            "그런 보안 그룹이 없습니다. 그룹 ID와 리전을 확인하세요.",
            "No such security group: check its id and the region.",
        ),
        "NoSuchEntity" | "ResourceNotFoundException" | "NotFoundException" | "ResourceNotFound" => {
            (
                "필요한 리소스를 찾을 수 없습니다. 이름의 철자와 앞 단계를 마쳤는지 확인하세요.",
                "A resource this step needs was not found. Check the spelling, and that the earlier steps are done.",
            )
        }
        "MalformedPolicyDocument" => (
            "정책 문서가 올바르지 않습니다. JSON 문법과 Version, Statement, Effect, Action 항목을 확인하세요.",
            "The policy document is not valid: check the JSON and its Version, Statement, Effect and Action.",
        ),
        "ValidationException"
        | "ValidationError"
        | "InvalidParameterValueException"
        | "InvalidParameterException"
        | "InvalidFormat"
        | "BadRequestException" => (
            "입력값 중 AWS가 받아들이지 않는 것이 있습니다. 아래 메시지가 어떤 값인지 알려 줍니다.",
            "AWS did not accept one of the values; the message below says which.",
        ),
        "SshPortClosed" => (
            "EC2 Instance Connect가 인스턴스의 22번 포트(SSH)에 닿지 못합니다. 인스턴스의 보안 그룹에 SSH(TCP 22) 인바운드 규칙을 추가하고, 소스는 리전의 EC2 Instance Connect 접두사 목록(com.amazonaws.<리전>.ec2-instance-connect)으로 하세요. 위 메시지가 그룹과 규칙을 알려 줍니다.",
            "EC2 Instance Connect cannot reach the instance on port 22 (SSH). Add an inbound SSH (TCP 22) rule to the instance's security group, with the region's EC2 Instance Connect prefix list (com.amazonaws.<region>.ec2-instance-connect) as its source; the message above names the group and the rule.",
        ),
        "AccessDenied" | "AccessDeniedException" | "UnauthorizedOperation" => (
            "이 작업을 할 권한이 없습니다. 어떤 역할(사용자)로 호출했는지와 그 정책을 확인하세요.",
            "This identity is not allowed to do that: check who made the call and what its policies allow.",
        ),
        "InvalidAMIID.NotFound" | "InvalidAMIID.Malformed" => (
            "그런 AMI(이미지)를 찾을 수 없습니다. 이미지 이름과 리전을 확인하세요. AMI ID 는 리전마다 다릅니다.",
            "No such image (AMI): check its name and the region; AMI ids differ from region to region.",
        ),
        "InvalidInstanceID.NotFound" | "InvalidInstanceID.Malformed" => (
            "그런 EC2 인스턴스가 없습니다. 인스턴스를 먼저 시작했는지, 이름(Name 태그)과 리전이 맞는지 확인하세요.",
            "No such EC2 instance: launch it first, and check its Name tag and the region.",
        ),
        "InvalidVolume.NotFound" => (
            "그런 EBS 볼륨이 없습니다. 인스턴스가 종료되면 루트 볼륨도 함께 삭제됩니다.",
            "No such EBS volume. A root volume is deleted when its instance is terminated.",
        ),
        "IncorrectInstanceState" | "InstanceNotRunning" => (
            "인스턴스가 지금 그 작업을 할 수 없는 상태입니다(시작 중, 중지됨 등). 상태가 running 이 될 때까지 기다리세요.",
            "The instance is not in a state for that (pending, stopped, …): wait until it is running.",
        ),
        "StillPending" => (
            "인스턴스가 아직 시작 중입니다. 1분쯤 뒤에 확인(Check)을 누르세요.",
            "The instance is still starting: press Check in a minute.",
        ),
        "DuplicateInstanceName" => (
            "같은 이름의 인스턴스가 이미 실행 중입니다. 앞에서 만들었다면 다음 단계로 가세요. 새로 만들려면 먼저 종료하세요.",
            "An instance of that name is already running. If you launched it earlier, go on; to launch another, terminate it first.",
        ),
        "InstanceLimitExceeded" | "VcpuLimitExceeded" | "InsufficientInstanceCapacity" => (
            "계정의 인스턴스 한도에 걸렸거나 그 유형의 용량이 부족합니다. 쓰지 않는 인스턴스를 종료하거나 다른 가용 영역·유형을 고르세요.",
            "The account's instance limit is reached, or there is no capacity for that type: terminate unused instances or pick another type or zone.",
        ),
        "Unsupported" | "InvalidParameterCombination" => (
            "이 리전이나 이미지에서는 그 설정을 쓸 수 없습니다. 인스턴스 유형(예: t2.micro)과 이미지의 아키텍처(x86_64)를 확인하세요.",
            "That combination is not available here: check that the instance type (t2.micro) fits the image's architecture (x86_64).",
        ),
        "NotFound" | "NoConfirmationMail" | "NoConfirmationLink" => (
            "찾는 SNS 주제나 확인 메일이 없습니다. 주제를 만들고 이메일로 구독했는지 먼저 확인하세요.",
            "The SNS topic or the confirmation e-mail was not found: create the topic and subscribe the address first.",
        ),
        "InvalidParameter" | "InvalidParameterValue" | "MissingParameter" => (
            "값 하나가 올바르지 않습니다(이메일 주소, 인스턴스 유형, 주기, 임계값 등). 아래 메시지가 어떤 값인지 알려 줍니다.",
            "One of the values is not valid (an e-mail address, instance type, period, threshold…); the message below says which.",
        ),
        "AuthorizationError" => (
            "SNS 에서 이 작업을 할 권한이 없습니다. 자격 증명의 정책에 sns 권한이 있는지 확인하세요.",
            "SNS refused: the identity's policies do not allow this SNS action.",
        ),
        "LimitExceeded"
        | "LimitExceededException"
        | "TopicLimitExceeded"
        | "SubscriptionLimitExceeded" => (
            "계정 한도에 걸렸습니다(경보, 주제, 구독 수). 쓰지 않는 것을 지운 뒤 다시 하세요.",
            "An account limit is reached (alarms, topics, subscriptions): delete unused ones and try again.",
        ),
        "ConfirmationRefused" | "ConfirmationRequired" => (
            "구독 확인이 거절되었습니다. 확인 링크는 한 번만, 일정 시간 안에만 쓸 수 있습니다. 다시 구독해서 새 메일의 링크를 누르세요.",
            "The confirmation was refused: a link works once and for a limited time. Subscribe again and follow the new e-mail's link.",
        ),
        "EmulatorOnly" => (
            "이 동작은 오프라인 에뮬레이터에서만 합니다. AWS 에서는 직접 하세요: 인스턴스는 콘솔의 [연결], 구독 확인은 받은 메일의 링크, 기다리기는 실제로 몇 분 기다리면 됩니다.",
            "This exists only on the offline emulator. On AWS do it yourself: connect with the console's Connect button, confirm with the link in your real e-mail, and wait real minutes.",
        ),
        "ConnectionFailed" => (
            "대상에 연결하지 못했습니다. 오프라인 에뮬레이터가 실행 중인지, 또는 네트워크와 AWS 자격 증명을 확인하세요.",
            "The target could not be reached: is the offline emulator running, or are the network and AWS credentials in order?",
        ),
        "ExpiredToken"
        | "ExpiredTokenException"
        | "InvalidClientTokenId"
        | "UnrecognizedClientException" => (
            "AWS 자격 증명이 만료되었거나 잘못되었습니다. `aws sso login` 또는 프로필 설정을 확인하세요.",
            "The AWS credentials have expired or are not valid: sign in again (`aws sso login`) or check the profile.",
        ),
        _ => (
            "AWS가 요청을 거절했습니다. 아래 오류 코드와 메시지를 확인하세요.",
            "AWS refused the request; the error code and message below say why.",
        ),
    };
    let _ = message;
    Localized::new(ko, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_change_still_settling_is_not_explained_as_already_existing() {
        let in_progress = Failure::local(
            "lambda",
            "PublishVersion",
            "ResourceConflictException",
            "The operation cannot be performed at this time. An update is in progress for \
             resource: arn:aws:lambda:ap-northeast-2:000000000000:function:f",
        );
        assert!(in_progress.explanation.en.contains("press Run again"), "{in_progress:?}");
        assert!(!in_progress.explanation.en.contains("skip ahead"));
        let exists = Failure::local(
            "lambda",
            "CreateFunction",
            "ResourceConflictException",
            "Function already exist: f",
        );
        assert!(exists.explanation.en.contains("already exists"), "{exists:?}");
    }

    #[test]
    fn a_closed_ssh_port_is_explained_with_the_rule_to_add() {
        let closed = Failure::local("ec2", "Shell", "SshPortClosed", "port 22 is closed");
        assert!(closed.explanation.en.contains("inbound SSH (TCP 22) rule"), "{closed:?}");
        assert!(closed.explanation.ko.contains("22번 포트"), "{closed:?}");
    }

    /// Every error code the labs can meet, from the services they call, the engine and the
    /// emulator's own endpoints, with a word its English explanation must contain. None may fall
    /// through to the generic line, and none may tell the learner to skip ahead.
    const CODES: &[(&str, &str)] = &[
        // IAM and STS.
        ("EntityAlreadyExists", "already exists"),
        ("NoSuchEntity", "not found"),
        ("MalformedPolicyDocument", "policy document"),
        ("DeleteConflict", "still uses it"),
        ("LimitExceeded", "limit"),
        ("AccessDenied", "not allowed"),
        ("InvalidClientTokenId", "credentials"),
        ("ExpiredToken", "credentials"),
        ("SignatureDoesNotMatch", "signature"),
        ("ValidationError", "values"),
        // DynamoDB.
        ("ResourceInUseException", "already exists"),
        ("ResourceNotFoundException", "not found"),
        ("ValidationException", "values"),
        ("ConditionalCheckFailedException", "condition"),
        ("ProvisionedThroughputExceededException", "too fast"),
        ("AccessDeniedException", "not allowed"),
        ("UnrecognizedClientException", "credentials"),
        // Lambda.
        ("ResourceConflictException", "already exists"),
        ("InvalidParameterValueException", "values"),
        ("TooManyRequestsException", "press Run again"),
        // API Gateway.
        ("NotFoundException", "not found"),
        ("BadRequestException", "values"),
        ("ConflictException", "already exists"),
        // CloudWatch, SNS.
        ("AlarmAlreadyExists", "already exists"),
        ("InvalidParameterValue", "not valid"),
        ("MissingParameter", "not valid"),
        ("NotFound", "topic"),
        ("AuthorizationError", "SNS"),
        ("SubscriptionLimitExceeded", "limit"),
        ("Throttling", "press Run again"),
        // EC2.
        ("InvalidAMIID.NotFound", "image"),
        ("InvalidInstanceID.NotFound", "instance"),
        ("InvalidVolume.NotFound", "volume"),
        ("InvalidGroup.NotFound", "security group"),
        ("InvalidPermission.Duplicate", "already exists"),
        ("DependencyViolation", "still uses it"),
        ("IncorrectInstanceState", "state"),
        ("InstanceLimitExceeded", "limit"),
        ("UnauthorizedOperation", "not allowed"),
        ("RequestLimitExceeded", "too fast"),
        // The engine and the emulator's own endpoints.
        ("StillPending", "still starting"),
        ("DuplicateInstanceName", "already running"),
        ("SshPortClosed", "port 22"),
        ("EmulatorOnly", "offline emulator"),
        ("ConnectionFailed", "could not be reached"),
    ];

    #[test]
    fn every_code_the_labs_meet_has_its_own_explanation_in_both_languages() {
        let generic = explain("NoSuchCodeAnywhere", "");
        for (code, word) in CODES {
            let failure = Failure::local("svc", "Op", code, "a message");
            let Localized { ko, en } = &failure.explanation;
            assert_ne!(&failure.explanation, &generic, "{code} falls through to the generic line");
            assert!(en.contains(word), "{code}: {en:?} should say {word:?}");
            assert!(!en.contains("skip ahead"), "{code}: {en:?} tells the learner to skip ahead");
            assert!(ko.chars().any(|c| ('가'..='힣').contains(&c)), "{code}: {ko:?} is not Korean");
        }
    }
}
