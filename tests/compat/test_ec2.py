"""EC2 through boto3 and the AWS CLI: the CloudWatch lab's instance (Amazon Linux 2, t2.micro,
8 GB gp2), its root volume, state changes with their codes, AWS's errors, security groups, and
the simulated shell the lab connects to once a group lets EC2 Instance Connect in on port 22.

This module runs its own emulator (AWS's timing, the default) with the clock 600 times faster
than real time, so an instance is running after the first poll; nothing waits for a length of
time."""

import json
import subprocess
import urllib.error
import urllib.request

import boto3
import pytest
from botocore.exceptions import ClientError

from conftest import control_headers, serve

NAME = "aws-lab-cloudwatch-instance"
AL2 = "amzn2-ami-kernel-5.10-hvm-*-x86_64-gp2"
RATINGS = "https://raw.githubusercontent.com/e9t/nsmc/master/ratings_train.txt"
ANACONDA = "https://repo.anaconda.com/archive/Anaconda3-2023.07-2-Windows-x86_64.exe"
ROOT_VOLUME = [{"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 8, "VolumeType": "gp2"}}]


@pytest.fixture(scope="module")
def fast_endpoint():
    server, endpoint = serve("--clock-speed", "600")
    yield endpoint
    server.terminate()
    server.wait(timeout=10)


@pytest.fixture(scope="module")
def ec2(session, fast_endpoint):
    return session.client("ec2", endpoint_url=fast_endpoint)


@pytest.fixture(scope="module")
def aws_ec2(aws_env, fast_endpoint):
    def run(*args):
        result = subprocess.run(
            ["aws", "--endpoint-url", fast_endpoint, "--output", "json", "ec2", *args],
            env=aws_env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        if result.returncode != 0:
            raise AssertionError(f"aws ec2 {' '.join(args)} failed: {result.stderr.strip()}")
        return json.loads(result.stdout) if result.stdout.strip() else None

    return run


def shell(endpoint, instance_id, command):
    request = urllib.request.Request(
        f"{endpoint}/_awslab/ec2/instances/{instance_id}/shell",
        data=json.dumps({"command": command}).encode(),
        headers={"content-type": "application/json", **control_headers(endpoint)},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def amazon_linux_2(ec2):
    images = ec2.describe_images(Owners=["amazon"], Filters=[{"Name": "name", "Values": [AL2]}])
    assert [i["Name"] for i in images["Images"]] == [
        "amzn2-ami-kernel-5.10-hvm-2.0.20241113.1-x86_64-gp2"
    ]
    return images["Images"][0]["ImageId"]


def launch(ec2, lab="cloudwatch-alarm", groups=()):
    answer = ec2.run_instances(
        ImageId=amazon_linux_2(ec2),
        InstanceType="t2.micro",
        MinCount=1,
        MaxCount=1,
        BlockDeviceMappings=ROOT_VOLUME,
        SecurityGroupIds=list(groups),
        TagSpecifications=[
            {
                "ResourceType": "instance",
                "Tags": [{"Key": "Name", "Value": NAME}, {"Key": "awslab:lab", "Value": lab}],
            }
        ],
    )
    return answer["Instances"][0]


def wait_running(ec2, instance_id):
    ec2.get_waiter("instance_running").wait(
        InstanceIds=[instance_id], WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )


def test_boto3_runs_the_lab_instance_with_its_gp2_root_volume(ec2):
    instance = launch(ec2)
    instance_id = instance["InstanceId"]
    assert instance["State"] == {"Code": 0, "Name": "pending"}
    assert instance["InstanceType"] == "t2.micro"
    ip = instance["PrivateIpAddress"]
    assert ip.startswith("172.31.")
    assert instance["PrivateDnsName"] == f"ip-{ip.replace('.', '-')}.ap-northeast-2.compute.internal"
    wait_running(ec2, instance_id)

    found = ec2.describe_instances(Filters=[{"Name": "tag:Name", "Values": [NAME]}])
    ids = [i["InstanceId"] for r in found["Reservations"] for i in r["Instances"]]
    assert instance_id in ids
    volumes = ec2.describe_volumes(
        Filters=[{"Name": "attachment.instance-id", "Values": [instance_id]}]
    )["Volumes"]
    assert [(v["Size"], v["VolumeType"], v["State"]) for v in volumes] == [(8, "gp2", "in-use")]
    assert volumes[0]["Attachments"][0]["Device"] == "/dev/xvda"
    assert volumes[0]["Attachments"][0]["DeleteOnTermination"] is True

    stopping = ec2.stop_instances(InstanceIds=[instance_id])["StoppingInstances"][0]
    assert (stopping["PreviousState"]["Code"], stopping["CurrentState"]["Code"]) == (16, 64)
    ec2.get_waiter("instance_stopped").wait(
        InstanceIds=[instance_id], WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )
    starting = ec2.start_instances(InstanceIds=[instance_id])["StartingInstances"][0]
    assert (starting["PreviousState"]["Code"], starting["CurrentState"]["Code"]) == (80, 0)
    wait_running(ec2, instance_id)
    ending = ec2.terminate_instances(InstanceIds=[instance_id])["TerminatingInstances"][0]
    assert (ending["PreviousState"]["Code"], ending["CurrentState"]["Code"]) == (16, 32)
    ec2.get_waiter("instance_terminated").wait(
        InstanceIds=[instance_id], WaiterConfig={"Delay": 1, "MaxAttempts": 30}
    )


def test_boto3_gets_aws_errors(ec2):
    with pytest.raises(ClientError) as missing:
        ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"])
    assert missing.value.response["Error"] == {
        "Code": "InvalidInstanceID.NotFound",
        "Message": "The instance ID 'i-0123456789abcdef0' does not exist",
    }
    with pytest.raises(ClientError) as malformed:
        ec2.stop_instances(InstanceIds=["my-instance"])
    assert malformed.value.response["Error"]["Code"] == "InvalidInstanceID.Malformed"
    with pytest.raises(ClientError) as bad_type:
        ec2.run_instances(
            ImageId=amazon_linux_2(ec2), InstanceType="t2.micr", MinCount=1, MaxCount=1
        )
    assert bad_type.value.response["Error"] == {
        "Code": "InvalidParameterValue",
        "Message": "Invalid value 't2.micr' for InstanceType.",
    }
    with pytest.raises(ClientError) as no_image:
        ec2.run_instances(ImageId="ami-0123456789abcdef0", MinCount=1, MaxCount=1)
    assert no_image.value.response["Error"]["Code"] == "InvalidAMIID.NotFound"


def test_cli_runs_and_describes_the_instance_and_its_volume(ec2, aws_ec2):
    image_id = amazon_linux_2(ec2)
    launched = aws_ec2(
        "run-instances",
        "--image-id", image_id,
        "--instance-type", "t2.micro",
        "--count", "1",
        "--block-device-mappings", json.dumps(ROOT_VOLUME),
        "--tag-specifications",
        f"ResourceType=instance,Tags=[{{Key=Name,Value={NAME}-cli}}]",
    )
    instance_id = launched["Instances"][0]["InstanceId"]
    assert launched["Instances"][0]["State"]["Name"] == "pending"
    described = aws_ec2(
        "describe-instances", "--filters", f"Name=tag:Name,Values={NAME}-cli"
    )
    instances = [i for r in described["Reservations"] for i in r["Instances"]]
    assert [i["InstanceId"] for i in instances] == [instance_id]
    assert instances[0]["Tags"] == [{"Key": "Name", "Value": f"{NAME}-cli"}]
    volumes = aws_ec2(
        "describe-volumes", "--filters", f"Name=attachment.instance-id,Values={instance_id}"
    )["Volumes"]
    assert [(v["Size"], v["VolumeType"]) for v in volumes] == [(8, "gp2")]


def instance_connect_group(ec2):
    """A group that lets EC2 Instance Connect in on port 22, from the region's prefix list, as a
    learner makes it for the console's Connect."""
    lists = ec2.describe_managed_prefix_lists(
        Filters=[{"Name": "prefix-list-name", "Values": ["com.amazonaws.ap-northeast-2.ec2-instance-connect"]}]
    )["PrefixLists"]
    group_id = ec2.create_security_group(
        GroupName="instance-connect", Description="SSH from EC2 Instance Connect"
    )["GroupId"]
    ec2.authorize_security_group_ingress(
        GroupId=group_id,
        IpPermissions=[
            {
                "IpProtocol": "tcp",
                "FromPort": 22,
                "ToPort": 22,
                "PrefixListIds": [{"PrefixListId": lists[0]["PrefixListId"]}],
            }
        ],
    )
    return group_id


def test_the_shell_is_refused_until_port_22_is_open_to_instance_connect(ec2, fast_endpoint):
    closed = launch(ec2, lab="closed")["InstanceId"]
    wait_running(ec2, closed)
    status, refused = shell(fast_endpoint, closed, "ls")
    assert (status, refused["code"]) == (403, "SshPortClosed")
    assert "pl-00ec8fd779e5b4175" in refused["message"]


def test_the_shell_downloads_the_handouts_files(ec2, fast_endpoint):
    instance_id = launch(ec2, groups=[instance_connect_group(ec2)])["InstanceId"]
    wait_running(ec2, instance_id)

    status, small = shell(fast_endpoint, instance_id, f"wget {RATINGS}")
    assert status == 200 and small["exit_code"] == 0
    assert small["prompt"].startswith("[ec2-user@ip-172-31-")
    assert "Length: 14628807 (14M) [text/plain]" in small["output"]
    assert "‘ratings_train.txt’ saved [14628807/14628807]" in small["output"]

    _, typo = shell(fast_endpoint, instance_id, f"wget wget {ANACONDA}")
    assert "Resolving wget (wget)... failed: Name or service not known." in typo["output"]
    assert "Length: 942216640 (899M) [application/octet-stream]" in typo["output"]
    assert "saved [942216640/942216640]" in typo["output"]
    assert typo["exit_code"] == 4

    _, listing = shell(fast_endpoint, instance_id, "ls")
    assert listing["output"] == "Anaconda3-2023.07-2-Windows-x86_64.exe  ratings_train.txt\n"
    _, df = shell(fast_endpoint, instance_id, "df -h")
    assert "/dev/xvda1      8.0G  2.5G  5.6G  31% /\n" in df["output"]
    _, missing = shell(fast_endpoint, instance_id, f"wget {RATINGS}.bak")
    assert missing["exit_code"] == 8 and "404 Not Found" in missing["output"]
    _, unknown = shell(fast_endpoint, instance_id, "top")
    assert (unknown["output"], unknown["exit_code"]) == ("-bash: top: command not found\n", 127)
    status, nobody = shell(fast_endpoint, "i-0123456789abcdef0", "ls")
    assert (status, nobody["code"]) == (404, "InstanceNotFound")


def test_cli_opens_port_22_with_port_and_cidr_and_describes_the_group(ec2, aws_ec2):
    group_id = aws_ec2(
        "create-security-group", "--group-name", "cli-ssh", "--description", "SSH from anywhere"
    )["GroupId"]
    aws_ec2(
        "authorize-security-group-ingress",
        "--group-id", group_id,
        "--protocol", "tcp",
        "--port", "22",
        "--cidr", "0.0.0.0/0",
    )
    groups = aws_ec2("describe-security-groups", "--group-ids", group_id)["SecurityGroups"]
    ingress = groups[0]["IpPermissions"]
    assert [(p["IpProtocol"], p["FromPort"], p["ToPort"]) for p in ingress] == [("tcp", 22, 22)]
    assert ingress[0]["IpRanges"] == [{"CidrIp": "0.0.0.0/0"}]
    with pytest.raises(ClientError) as duplicate:
        ec2.authorize_security_group_ingress(
            GroupId=group_id, IpProtocol="tcp", FromPort=22, ToPort=22, CidrIp="0.0.0.0/0"
        )
    assert duplicate.value.response["Error"] == {
        "Code": "InvalidPermission.Duplicate",
        "Message": 'the specified rule "peer: 0.0.0.0/0, TCP, from port: 22, to port: 22, ALLOW" already exists',
    }
    aws_ec2(
        "revoke-security-group-ingress",
        "--group-id", group_id,
        "--protocol", "tcp",
        "--port", "22",
        "--cidr", "0.0.0.0/0",
    )
    aws_ec2("delete-security-group", "--group-id", group_id)


def test_cli_finds_amazon_linux_2_as_tutorials_filter_for_it(aws_ec2):
    # `aws ec2 describe-images --owners amazon --filters Name=name,Values='amzn2-ami-hvm-*'`
    images = aws_ec2("describe-images", "--owners", "amazon",
                     "--filters", "Name=name,Values=amzn2-ami-hvm-*")["Images"]
    assert sorted((i["Name"], i["Architecture"]) for i in images) == [
        ("amzn2-ami-hvm-2.0.20241113.1-arm64-gp2", "arm64"),
        ("amzn2-ami-hvm-2.0.20241113.1-x86_64-gp2", "x86_64"),
    ]
    assert all(i["OwnerId"] == "137112412989" and i["ImageId"].startswith("ami-0") for i in images)
    assert all(i["BlockDeviceMappings"][0]["Ebs"]["VolumeType"] == "gp2" for i in images)
