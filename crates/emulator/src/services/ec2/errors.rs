//! EC2's errors, with AWS's codes and words, turned into [`AwsError`] in one exhaustive `match`.
//! EC2 answers every client error with HTTP 400, not-found ones included.
//!
//! Messages seen in recorded AWS responses are written exactly; those marked `inferred` follow
//! EC2's style where no recording was at hand. The security group messages are those AWS gave in
//! public bug reports (aws-cli#5348, terraform#15428, terraform-provider-aws#1671, ansible#19759,
//! aws-cli#2428, boto3#1078, aws-sdk-java#202).

use crate::error::AwsError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ec2Error {
    /// A required parameter is absent.
    MissingParameter(String),
    /// A parameter that cannot be read as its type (inferred wording).
    InvalidParameter {
        name: String,
        value: String,
    },
    InvalidInstanceType(String),
    /// Any other `InvalidParameterValue`, with its whole message.
    InvalidParameterValue(String),
    InvalidFilter(String),
    InstanceNotFound(Vec<String>),
    InstanceMalformed(String),
    ImageNotFound(Vec<String>),
    ImageMalformed(String),
    /// A `resolve:ssm:` image id whose parameter cannot name an image; the whole message.
    SsmParameter(String),
    VolumeNotFound(Vec<String>),
    VolumeMalformed(String),
    /// A resource id of no known kind (`CreateTags`).
    InvalidId(String),
    /// Starting or stopping an instance in a state that does not allow it; the whole message.
    IncorrectInstanceState(String),
    /// A root volume smaller than the image's snapshot.
    VolumeTooSmall {
        size: u32,
        snapshot: String,
        minimum: u32,
    },
    /// A security group named by an id that is not there.
    GroupNotFound(String),
    /// A security group named by name, looked for in the default VPC (`vpc`).
    GroupNameNotFound {
        name: String,
        vpc: String,
    },
    GroupMalformed(String),
    GroupDuplicate {
        name: String,
        vpc: String,
    },
    /// The default group, which no one may delete.
    CannotDeleteDefault(String),
    /// A group an instance (or another group's rule) still uses.
    GroupInUse(String),
    VpcNotFound(String),
    /// A rule that is already there; AWS words it `peer: …, TCP, from port: …`.
    PermissionDuplicate(String),
    /// One request naming the same rule twice.
    PermissionRepeated,
    /// A revoke that matches no rule of the group.
    PermissionNotFound,
    /// A permission with no CIDR, prefix list or group to allow.
    MissingSource,
    CidrMalformed(String),
    RuleNotFound(String),
    PrefixListNotFound(String),
    PrefixListMalformed(String),
}

impl From<Ec2Error> for AwsError {
    fn from(error: Ec2Error) -> Self {
        use Ec2Error::*;
        let (code, message) = match error {
            MissingParameter(name) => {
                ("MissingParameter", format!("The request must contain the parameter {name}"))
            }
            InvalidParameter { name, value } => (
                "InvalidParameterValue",
                format!("Value ({value}) for parameter {name} is invalid."),
            ),
            InvalidInstanceType(name) => {
                ("InvalidParameterValue", format!("Invalid value '{name}' for InstanceType."))
            }
            InvalidParameterValue(message) => ("InvalidParameterValue", message),
            InvalidFilter(name) => {
                ("InvalidParameterValue", format!("The filter '{name}' is invalid"))
            }
            InstanceNotFound(ids) => (
                "InvalidInstanceID.NotFound",
                match ids.as_slice() {
                    [id] => format!("The instance ID '{id}' does not exist"),
                    _ => format!("The instance IDs '{}' do not exist", ids.join(", ")),
                },
            ),
            InstanceMalformed(id) => {
                ("InvalidInstanceID.Malformed", format!("Invalid id: \"{id}\""))
            }
            ImageNotFound(ids) => (
                "InvalidAMIID.NotFound",
                match ids.as_slice() {
                    [id] => format!("The image id '[{id}]' does not exist"),
                    _ => format!("The image ids '[{}]' do not exist", ids.join(", ")),
                },
            ),
            ImageMalformed(id) => {
                ("InvalidAMIID.Malformed", format!("Invalid id: \"{id}\" (expecting \"ami-...\")"))
            }
            SsmParameter(message) => ("SsmInvalidParameter", message),
            VolumeNotFound(ids) => (
                "InvalidVolume.NotFound",
                match ids.as_slice() {
                    [id] => format!("The volume '{id}' does not exist."),
                    _ => format!("The volumes '{}' do not exist.", ids.join(", ")),
                },
            ),
            VolumeMalformed(id) => (
                "InvalidVolumeID.Malformed",
                format!("Invalid id: \"{id}\" (expecting \"vol-...\")"),
            ),
            InvalidId(id) => ("InvalidID", format!("The ID '{id}' is not valid")),
            IncorrectInstanceState(message) => ("IncorrectInstanceState", message),
            VolumeTooSmall { size, snapshot, minimum } => (
                "InvalidBlockDeviceMapping",
                format!(
                    "Volume of size {size}GB is smaller than snapshot '{snapshot}', expect size \
                     >= {minimum}GB"
                ),
            ),
            GroupNotFound(id) => {
                ("InvalidGroup.NotFound", format!("The security group '{id}' does not exist"))
            }
            GroupNameNotFound { name, vpc } => (
                "InvalidGroup.NotFound",
                format!("The security group '{name}' does not exist in default VPC '{vpc}'"),
            ),
            GroupMalformed(id) => {
                ("InvalidGroupId.Malformed", format!("Invalid id: \"{id}\" (expecting \"sg-...\")"))
            }
            GroupDuplicate { name, vpc } => (
                "InvalidGroup.Duplicate",
                format!("The security group '{name}' already exists for VPC '{vpc}'"),
            ),
            CannotDeleteDefault(id) => (
                "CannotDelete",
                format!(
                    "the specified group: \"{id}\" name: \"default\" cannot be deleted by a user"
                ),
            ),
            GroupInUse(id) => {
                ("DependencyViolation", format!("resource {id} has a dependent object"))
            }
            // inferred
            VpcNotFound(id) => {
                ("InvalidVpcID.NotFound", format!("The vpc ID '{id}' does not exist"))
            }
            PermissionDuplicate(rule) => (
                "InvalidPermission.Duplicate",
                format!("the specified rule \"{rule}\" already exists"),
            ),
            PermissionRepeated => (
                "InvalidParameterValue",
                "The same permission must not appear multiple times".to_string(),
            ),
            PermissionNotFound => (
                "InvalidPermission.NotFound",
                "The specified rule does not exist in this security group.".to_string(),
            ),
            MissingSource => (
                "MissingParameter",
                "Missing source specification: include source security group or CIDR information"
                    .to_string(),
            ),
            CidrMalformed(cidr) => {
                ("InvalidParameterValue", format!("CIDR block {cidr} is malformed"))
            }
            // inferred
            RuleNotFound(id) => (
                "InvalidSecurityGroupRuleId.NotFound",
                format!("The security group rule ID '{id}' does not exist"),
            ),
            // inferred
            PrefixListNotFound(id) => (
                "InvalidPrefixListID.NotFound",
                format!("The prefix list ID '{id}' does not exist"),
            ),
            PrefixListMalformed(id) => (
                "InvalidPrefixListId.Malformed",
                format!("Invalid id: \"{id}\" (expecting \"pl-...\")"),
            ),
        };
        AwsError::sender(code, 400, message)
    }
}

/// Checks an id's shape: the prefix, a dash, 8 or 17 hex digits.
pub fn well_formed(id: &str, prefix: &str) -> bool {
    id.strip_prefix(prefix).and_then(|rest| rest.strip_prefix('-')).is_some_and(|hex| {
        (hex.len() == 8 || hex.len() == 17) && hex.bytes().all(|b| b.is_ascii_hexdigit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_match_aws() {
        let error = AwsError::from(Ec2Error::InstanceNotFound(vec!["i-0123456789abcdef0".into()]));
        assert_eq!(error.code, "InvalidInstanceID.NotFound");
        assert_eq!(error.message, "The instance ID 'i-0123456789abcdef0' does not exist");
        assert_eq!(error.status, 400);
        let error = AwsError::from(Ec2Error::InvalidInstanceType("t2.micr".into()));
        assert_eq!(error.message, "Invalid value 't2.micr' for InstanceType.");
        let error = AwsError::from(Ec2Error::ImageMalformed("ami-x".into()));
        assert_eq!(error.message, "Invalid id: \"ami-x\" (expecting \"ami-...\")");
    }

    #[test]
    fn security_group_words_match_aws() {
        let duplicate = AwsError::from(Ec2Error::PermissionDuplicate(
            "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW".into(),
        ));
        assert_eq!(duplicate.code, "InvalidPermission.Duplicate");
        assert_eq!(
            duplicate.message,
            "the specified rule \"peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW\" \
             already exists"
        );
        let default = AwsError::from(Ec2Error::CannotDeleteDefault("sg-0123456789abcdef0".into()));
        assert_eq!(
            default.message,
            "the specified group: \"sg-0123456789abcdef0\" name: \"default\" cannot be deleted by \
             a user"
        );
        let by_name = AwsError::from(Ec2Error::GroupNameNotFound {
            name: "web".into(),
            vpc: "vpc-0123456789abcdef0".into(),
        });
        assert_eq!(
            (by_name.code.as_str(), by_name.message.as_str(), by_name.status),
            (
                "InvalidGroup.NotFound",
                "The security group 'web' does not exist in default VPC 'vpc-0123456789abcdef0'",
                400
            )
        );
    }

    #[test]
    fn id_shapes() {
        assert!(well_formed("i-0123456789abcdef0", "i"));
        assert!(well_formed("i-12345678", "i"));
        assert!(!well_formed("i-xyz", "i"));
        assert!(!well_formed("vol-0123456789abcdef0", "i"));
        assert!(!well_formed("i-0123456789abcdef", "i"));
    }
}
