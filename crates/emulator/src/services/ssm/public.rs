//! The public parameters AWS publishes for the latest Amazon Linux images,
//! `/aws/service/ami-amazon-linux-latest/…`, derived from EC2's image catalog
//! (`ec2::catalog`) so that they cannot drift from it: each one's value is the id, in the
//! request's region, of the newest catalog image of its family, and it is listed only when the
//! catalog has such an image.
//!
//! As AWS answers them (recorded by moto from `GetParametersByPath` on AWS): `Type` `String`,
//! `DataType` `text`, an ARN with an empty account
//! (`arn:aws:ssm:REGION::parameter/aws/service/…`). Here a parameter's `Version` is the number
//! of catalog images of its family (its history has one version per image, oldest first) and
//! its `LastModifiedDate` the newest image's creation date.
//!
//! The families the catalog has: Amazon Linux 2023 (`kernel-default`, which is kernel 6.1, and
//! `kernel-6.1`, in x86_64 and arm64; the minimal image in x86_64 only) and Amazon Linux 2
//! (`amzn2-ami-hvm-…-gp2`, kernel 4.14, and `amzn2-ami-kernel-5.10-hvm-…-gp2`, in x86_64 and
//! arm64). Not here: AWS's other families (minimal arm64, `ebs` volumes, kernels 6.12 and
//! 6.18, Amazon Linux 1), whose images the catalog lacks.

use super::model::ParameterVersion;
use crate::services::ec2::catalog::{self, Image};

/// The path of the family.
pub const PATH: &str = "/aws/service/ami-amazon-linux-latest";

/// A public parameter: its last name segment, and the catalog images it follows (names that
/// start with `prefix` and end with `suffix`, the release between them).
struct Family {
    name: &'static str,
    prefix: &'static str,
    suffix: &'static str,
}

const fn family(name: &'static str, prefix: &'static str, suffix: &'static str) -> Family {
    Family { name, prefix, suffix }
}

const FAMILIES: &[Family] = &[
    family("al2023-ami-kernel-default-x86_64", "al2023-ami-2023.", "-kernel-6.1-x86_64"),
    family("al2023-ami-kernel-default-arm64", "al2023-ami-2023.", "-kernel-6.1-arm64"),
    family("al2023-ami-kernel-6.1-x86_64", "al2023-ami-2023.", "-kernel-6.1-x86_64"),
    family("al2023-ami-kernel-6.1-arm64", "al2023-ami-2023.", "-kernel-6.1-arm64"),
    family(
        "al2023-ami-minimal-kernel-default-x86_64",
        "al2023-ami-minimal-2023.",
        "-kernel-6.1-x86_64",
    ),
    family(
        "al2023-ami-minimal-kernel-default-arm64",
        "al2023-ami-minimal-2023.",
        "-kernel-6.1-arm64",
    ),
    family(
        "al2023-ami-minimal-kernel-6.1-x86_64",
        "al2023-ami-minimal-2023.",
        "-kernel-6.1-x86_64",
    ),
    family("al2023-ami-minimal-kernel-6.1-arm64", "al2023-ami-minimal-2023.", "-kernel-6.1-arm64"),
    family("amzn2-ami-hvm-x86_64-gp2", "amzn2-ami-hvm-2.0.", "-x86_64-gp2"),
    family("amzn2-ami-hvm-arm64-gp2", "amzn2-ami-hvm-2.0.", "-arm64-gp2"),
    family("amzn2-ami-kernel-5.10-hvm-x86_64-gp2", "amzn2-ami-kernel-5.10-hvm-2.0.", "-x86_64-gp2"),
    family("amzn2-ami-kernel-5.10-hvm-arm64-gp2", "amzn2-ami-kernel-5.10-hvm-2.0.", "-arm64-gp2"),
];

impl Family {
    /// The catalog's images of this family, oldest first.
    fn images(&self) -> Vec<&'static Image> {
        let mut images: Vec<&'static Image> = (catalog::IMAGES.iter())
            .filter(|image| {
                image.name.starts_with(self.prefix) && image.name.ends_with(self.suffix)
            })
            .collect();
        images.sort_by_key(|image| image.creation_date);
        images
    }

    fn full_name(&self) -> String {
        format!("{PATH}/{}", self.name)
    }
}

/// The public parameters the catalog has images for, sorted by name.
pub fn names() -> Vec<String> {
    let mut names: Vec<String> = (FAMILIES.iter())
        .filter(|family| !family.images().is_empty())
        .map(Family::full_name)
        .collect();
    names.sort();
    names
}

/// Every version of public parameter `name` in `region`, oldest first; `None` when there is no
/// such parameter.
pub fn versions(name: &str, region: &str) -> Option<Vec<ParameterVersion>> {
    let family = FAMILIES.iter().find(|family| family.full_name() == name)?;
    let images = family.images();
    if images.is_empty() {
        return None;
    }
    let versions = images.iter().zip(1..).map(|(image, version)| ParameterVersion {
        version,
        kind: "String".into(),
        value: catalog::image_id(region, image),
        description: None,
        data_type: "text".into(),
        key_id: None,
        allowed_pattern: None,
        tier: "Standard".into(),
        modified_ms: created_ms(image),
        modified_by: String::new(),
        labels: Vec::new(),
    });
    Some(versions.collect())
}

fn created_ms(image: &Image) -> i64 {
    crate::clock::parse_iso8601(image.creation_date).map_or(0, crate::clock::millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_listed_parameter_names_the_newest_image_of_its_family() {
        let names = names();
        assert!(names.contains(&format!("{PATH}/al2023-ami-kernel-default-x86_64")));
        assert!(names.contains(&format!("{PATH}/amzn2-ami-hvm-x86_64-gp2")));
        assert!(
            !names.contains(&format!("{PATH}/al2023-ami-minimal-kernel-default-arm64")),
            "the catalog has no minimal arm64 image"
        );
        for name in &names {
            let versions = versions(name, "ap-northeast-2").expect("listed, so found");
            let latest = versions.last().expect("one version at least");
            let image = catalog::image_by_id("ap-northeast-2", &latest.value).expect("in catalog");
            let family = name.rsplit('/').next().unwrap_or_default();
            let arch = if family.contains("arm64") { "arm64" } else { "x86_64" };
            assert_eq!(image.architecture, arch, "{name}");
            let distro = family.split('-').next().unwrap_or_default();
            assert!(image.name.starts_with(distro), "{name}: {}", image.name);
            assert_eq!(family.contains("minimal"), image.name.contains("minimal"), "{name}");
            assert_eq!(family.contains("5.10"), image.name.contains("5.10"), "{name}");
        }
        assert_eq!(versions(&format!("{PATH}/nothing"), "us-east-1"), None);
    }

    #[test]
    fn values_are_the_regions_own_image_ids() {
        let name = format!("{PATH}/al2023-ami-kernel-default-x86_64");
        let seoul = versions(&name, "ap-northeast-2").unwrap();
        let virginia = versions(&name, "us-east-1").unwrap();
        assert_ne!(seoul[0].value, virginia[0].value);
        assert!(seoul[0].modified_ms > 0);
    }
}
