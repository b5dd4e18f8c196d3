//! Every operation of DynamoDB's and DynamoDB Streams' APIs (2012-08-10), as the current SDK
//! models them, and whether the emulator serves it (the engine's list, `engine::OPERATIONS`,
//! must match: a test keeps them equal).

use crate::services::operation::operations;

operations! {
    /// DynamoDB's operations (2012-08-10). The engine writes its SQLite database as it goes:
    /// nothing is saved after them.
    pub enum Operation {
        BatchExecuteStatement: Changes,
        BatchGetItem: Reads,
        BatchWriteItem: Changes,
        CreateTable: Changes,
        DeleteItem: Changes,
        DeleteTable: Changes,
        DescribeTable: Reads,
        DescribeTimeToLive: Reads,
        ExecuteStatement: Changes,
        ExecuteTransaction: Changes,
        GetItem: Reads,
        ListTables: Reads,
        ListTagsOfResource: Reads,
        PutItem: Changes,
        Query: Reads,
        Scan: Reads,
        SearchVectors: Reads,
        TagResource: Changes,
        TransactGetItems: Reads,
        TransactWriteItems: Changes,
        UntagResource: Changes,
        UpdateItem: Changes,
        UpdateTable: Changes,
        UpdateTimeToLive: Changes,
    }
    missing: [
        "CreateBackup",
        "CreateGlobalTable",
        "DeleteBackup",
        "DeleteResourcePolicy",
        "DescribeBackup",
        "DescribeContinuousBackups",
        "DescribeContributorInsights",
        "DescribeEndpoints",
        "DescribeExport",
        "DescribeGlobalTable",
        "DescribeGlobalTableSettings",
        "DescribeImport",
        "DescribeKinesisStreamingDestination",
        "DescribeLimits",
        "DescribeTableReplicaAutoScaling",
        "DisableKinesisStreamingDestination",
        "EnableKinesisStreamingDestination",
        "ExportTableToPointInTime",
        "GetResourcePolicy",
        "ImportTable",
        "ListBackups",
        "ListContributorInsights",
        "ListExports",
        "ListGlobalTables",
        "ListImports",
        "PutResourcePolicy",
        "RestoreTableFromBackup",
        "RestoreTableToPointInTime",
        "UpdateContinuousBackups",
        "UpdateContributorInsights",
        "UpdateGlobalTable",
        "UpdateGlobalTableSettings",
        "UpdateKinesisStreamingDestination",
        "UpdateTableReplicaAutoScaling",
    ]
}

operations! {
    /// DynamoDB Streams' operations (2012-08-10), all served.
    pub enum StreamsOperation {
        DescribeStream: Reads,
        GetRecords: Reads,
        GetShardIterator: Reads,
        ListStreams: Reads,
    }
    missing: []
}
