//! Every operation of SNS's API (aws-sdk-sns 1.121), and whether the emulator serves it.

use crate::services::operation::operations;

operations! {
    /// SNS's operations (2010-03-31).
    pub enum Operation {
        ConfirmSubscription: Changes,
        CreateTopic: Changes,
        DeleteTopic: Changes,
        GetSubscriptionAttributes: Reads,
        GetTopicAttributes: Reads,
        ListSubscriptions: Reads,
        ListSubscriptionsByTopic: Reads,
        ListTagsForResource: Reads,
        ListTopics: Reads,
        Publish: ChangesAndSaves,
        SetTopicAttributes: Changes,
        Subscribe: Changes,
        TagResource: Changes,
        Unsubscribe: Changes,
        UntagResource: Changes,
    }
    missing: [
        "AddPermission",
        "CheckIfPhoneNumberIsOptedOut",
        "CreatePlatformApplication",
        "CreatePlatformEndpoint",
        "CreateSMSSandboxPhoneNumber",
        "DeleteEndpoint",
        "DeletePlatformApplication",
        "DeleteSMSSandboxPhoneNumber",
        "GetDataProtectionPolicy",
        "GetEndpointAttributes",
        "GetPlatformApplicationAttributes",
        "GetSMSAttributes",
        "GetSMSSandboxAccountStatus",
        "ListEndpointsByPlatformApplication",
        "ListOriginationNumbers",
        "ListPhoneNumbersOptedOut",
        "ListPlatformApplications",
        "ListSMSSandboxPhoneNumbers",
        "OptInPhoneNumber",
        "PublishBatch",
        "PutDataProtectionPolicy",
        "RemovePermission",
        "SetEndpointAttributes",
        "SetPlatformApplicationAttributes",
        "SetSMSAttributes",
        "SetSubscriptionAttributes",
        "VerifySMSSandboxPhoneNumber",
    ]
}
