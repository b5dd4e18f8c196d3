//! What EC2 offers that the learner does not create: Amazon's Amazon Linux images and the
//! instance types, with the facts the emulator needs of them.
//!
//! Image ids are derived from the region and the image name, so each region has its own ids
//! (as on AWS) and they stay the same from run to run.

use super::model::hex_digest;
use serde::{Deserialize, Serialize};

/// Amazon's account, the owner of its public images.
pub const AMAZON_OWNER_ID: &str = "137112412989";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OsFamily {
    AmazonLinux2,
    AmazonLinux2023,
}

/// One of Amazon's images.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Image {
    pub name: &'static str,
    pub description: &'static str,
    pub architecture: &'static str,
    pub os: OsFamily,
    pub creation_date: &'static str,
    /// The root volume the image asks for: size in GiB and type.
    pub root_size_gib: u32,
    pub root_volume_type: &'static str,
}

pub const IMAGES: &[Image] = &[
    Image {
        name: "al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64",
        description: "Amazon Linux 2023 AMI 2023.6.20241121.0 x86_64 HVM kernel-6.1",
        architecture: "x86_64",
        os: OsFamily::AmazonLinux2023,
        creation_date: "2024-11-20T23:19:52.000Z",
        root_size_gib: 8,
        root_volume_type: "gp3",
    },
    Image {
        name: "al2023-ami-2023.6.20241121.0-kernel-6.1-arm64",
        description: "Amazon Linux 2023 AMI 2023.6.20241121.0 arm64 HVM kernel-6.1",
        architecture: "arm64",
        os: OsFamily::AmazonLinux2023,
        creation_date: "2024-11-20T23:19:55.000Z",
        root_size_gib: 8,
        root_volume_type: "gp3",
    },
    Image {
        name: "al2023-ami-minimal-2023.6.20241121.0-kernel-6.1-x86_64",
        description: "Amazon Linux 2023 AMI 2023.6.20241121.0 x86_64 Minimal HVM kernel-6.1",
        architecture: "x86_64",
        os: OsFamily::AmazonLinux2023,
        creation_date: "2024-11-20T23:20:01.000Z",
        root_size_gib: 2,
        root_volume_type: "gp3",
    },
    Image {
        name: "amzn2-ami-kernel-5.10-hvm-2.0.20241113.1-x86_64-gp2",
        description: "Amazon Linux 2 Kernel 5.10 AMI 2.0.20241113.1 x86_64 HVM gp2",
        architecture: "x86_64",
        os: OsFamily::AmazonLinux2,
        creation_date: "2024-11-13T21:52:03.000Z",
        root_size_gib: 8,
        root_volume_type: "gp2",
    },
    Image {
        name: "amzn2-ami-kernel-5.10-hvm-2.0.20241113.1-arm64-gp2",
        description: "Amazon Linux 2 Kernel 5.10 AMI 2.0.20241113.1 arm64 HVM gp2",
        architecture: "arm64",
        os: OsFamily::AmazonLinux2,
        creation_date: "2024-11-13T21:52:10.000Z",
        root_size_gib: 8,
        root_volume_type: "gp2",
    },
    // Amazon Linux 2 with its original kernel (4.14): the family tutorials filter for with
    // `amzn2-ami-hvm-*`.
    Image {
        name: "amzn2-ami-hvm-2.0.20241113.1-x86_64-gp2",
        description: "Amazon Linux 2 AMI 2.0.20241113.1 x86_64 HVM gp2",
        architecture: "x86_64",
        os: OsFamily::AmazonLinux2,
        creation_date: "2024-11-13T21:51:40.000Z",
        root_size_gib: 8,
        root_volume_type: "gp2",
    },
    Image {
        name: "amzn2-ami-hvm-2.0.20241113.1-arm64-gp2",
        description: "Amazon Linux 2 AMI 2.0.20241113.1 arm64 HVM gp2",
        architecture: "arm64",
        os: OsFamily::AmazonLinux2,
        creation_date: "2024-11-13T21:51:47.000Z",
        root_size_gib: 8,
        root_volume_type: "gp2",
    },
];

/// `ami-0…`: the image's id in a region.
pub fn image_id(region: &str, image: &Image) -> String {
    format!("ami-0{}", &hex_digest(&format!("{region}/{}", image.name))[..16])
}

/// The root snapshot an image is made from.
pub fn snapshot_id(region: &str, image: &Image) -> String {
    format!("snap-0{}", &hex_digest(&format!("{region}/snapshot/{}", image.name))[..16])
}

pub fn image_by_id(region: &str, id: &str) -> Option<&'static Image> {
    IMAGES.iter().find(|image| image_id(region, image) == id)
}

/// An instance type: its architecture, vCPUs, memory, and whether it runs on Nitro (NVMe
/// device names, `t3` and later) or Xen (`/dev/xvda`, `t2`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstanceType {
    pub name: &'static str,
    pub architecture: &'static str,
    pub vcpus: u32,
    pub memory_mib: u32,
    pub nitro: bool,
}

const fn x86(name: &'static str, vcpus: u32, memory_mib: u32, nitro: bool) -> InstanceType {
    InstanceType { name, architecture: "x86_64", vcpus, memory_mib, nitro }
}

const fn arm(name: &'static str, vcpus: u32, memory_mib: u32) -> InstanceType {
    InstanceType { name, architecture: "arm64", vcpus, memory_mib, nitro: true }
}

pub const INSTANCE_TYPES: &[InstanceType] = &[
    x86("t2.nano", 1, 512, false),
    x86("t2.micro", 1, 1024, false),
    x86("t2.small", 1, 2048, false),
    x86("t2.medium", 2, 4096, false),
    x86("t2.large", 2, 8192, false),
    x86("t2.xlarge", 4, 16384, false),
    x86("t2.2xlarge", 8, 32768, false),
    x86("t3.nano", 2, 512, true),
    x86("t3.micro", 2, 1024, true),
    x86("t3.small", 2, 2048, true),
    x86("t3.medium", 2, 4096, true),
    x86("t3.large", 2, 8192, true),
    x86("t3.xlarge", 4, 16384, true),
    x86("t3.2xlarge", 8, 32768, true),
    x86("t3a.nano", 2, 512, true),
    x86("t3a.micro", 2, 1024, true),
    x86("t3a.small", 2, 2048, true),
    x86("t3a.medium", 2, 4096, true),
    x86("m4.large", 2, 8192, false),
    x86("m5.large", 2, 8192, true),
    x86("m5.xlarge", 4, 16384, true),
    x86("m6i.large", 2, 8192, true),
    x86("m7i.large", 2, 8192, true),
    x86("c5.large", 2, 4096, true),
    x86("c6i.large", 2, 4096, true),
    x86("r5.large", 2, 16384, true),
    arm("t4g.nano", 2, 512),
    arm("t4g.micro", 2, 1024),
    arm("t4g.small", 2, 2048),
    arm("t4g.medium", 2, 4096),
    arm("m6g.large", 2, 8192),
    arm("m7g.large", 2, 8192),
    arm("c6g.large", 2, 4096),
    arm("c7g.large", 2, 4096),
];

pub fn instance_type(name: &str) -> Option<&'static InstanceType> {
    INSTANCE_TYPES.iter().find(|known| known.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_ids_are_per_region_and_stable() {
        let image = &IMAGES[0];
        let seoul = image_id("ap-northeast-2", image);
        assert_eq!(seoul, image_id("ap-northeast-2", image));
        assert_ne!(seoul, image_id("us-east-1", image));
        assert_eq!(seoul.len(), "ami-0123456789abcdef0".len());
        assert_eq!(image_by_id("ap-northeast-2", &seoul), Some(image));
    }

    #[test]
    fn the_labs_type_is_known() {
        let micro = instance_type("t2.micro").unwrap();
        assert_eq!((micro.vcpus, micro.memory_mib, micro.nitro), (1, 1024, false));
        assert!(instance_type("t3.micro").unwrap().nitro);
        assert!(instance_type("t2.micr").is_none());
    }
}
