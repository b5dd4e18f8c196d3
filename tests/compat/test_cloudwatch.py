"""CloudWatch and SNS through boto3 and the AWS CLI, as the alarm lab uses them: the topic with
an e-mail subscription confirmed through the link in the mailbox, the alarm, metric data, the
clock advanced through the control endpoint, and the alarm e-mail. The same results as the
Rust SDK's (crates/emulator/tests/cloudwatch.rs).

boto3 speaks awsJson 1.0 in query mode to CloudWatch (its model lists rpc-v2-cbor first, but
botocore resolves json); older clients speak awsQuery, which `test_aws_query_form_posts` sends
as a signed form."""

import datetime
import json
import urllib.parse
import urllib.request

import botocore.auth
import botocore.awsrequest
import botocore.credentials

from conftest import control_headers

ACCOUNT = "000000000000"
REGION = "ap-northeast-2"
TOPIC = "AWSLab_CloudWatch_Volume_Alarms_Topic"
ALARM = "awslab_cloudwatch_toomuch_volume_alarm"
NAMESPACE = "AWSLab/EBS"
VOLUME = "vol-0123456789abcdef0"


def control(endpoint, method, path):
    request = urllib.request.Request(
        endpoint + path, method=method, data=b"" if method != "GET" else None, headers=control_headers(endpoint)
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def emulator_now(endpoint):
    return datetime.datetime.fromtimestamp(control(endpoint, "GET", "/_awslab/clock")["epoch_seconds"], datetime.timezone.utc)


def mail_to(endpoint, address):
    return [m for m in control(endpoint, "GET", "/_awslab/mailbox")["messages"] if m["to"] == address]


def confirm_through_the_link(endpoint, address):
    mail = mail_to(endpoint, address)[-1]
    assert mail["subject"] == "AWS Notification - Subscription Confirmation"
    link = next(line.strip() for line in mail["body"].splitlines() if "Action=ConfirmSubscription" in line)
    assert link.startswith(endpoint + "/?Action=ConfirmSubscription&TopicArn=")
    with urllib.request.urlopen(link, timeout=30) as page:
        assert page.status == 200
        assert "Subscription confirmed!" in page.read().decode()


def test_boto3_runs_the_alarm_lab(client, endpoint):
    control(endpoint, "POST", "/_awslab/reset")
    sns, cloudwatch = client("sns"), client("cloudwatch")
    topic = sns.create_topic(Name=TOPIC)["TopicArn"]
    assert topic == f"arn:aws:sns:{REGION}:{ACCOUNT}:{TOPIC}"
    pending = sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="boto3@example.com")
    assert pending["SubscriptionArn"] == "pending confirmation"
    sns.subscribe(TopicArn=topic, Protocol="email", Endpoint="never@example.com")
    listed = sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
    assert [s["SubscriptionArn"] for s in listed] == ["PendingConfirmation", "PendingConfirmation"]
    confirm_through_the_link(endpoint, "boto3@example.com")
    attributes = sns.get_topic_attributes(TopicArn=topic)["Attributes"]
    assert (attributes["SubscriptionsConfirmed"], attributes["SubscriptionsPending"]) == ("1", "1")

    cloudwatch.put_metric_alarm(
        AlarmName=ALARM,
        AlarmDescription="Too much written to the volume",
        Namespace=NAMESPACE,
        MetricName="VolumeWriteBytes",
        Dimensions=[{"Name": "VolumeId", "Value": VOLUME}],
        Statistic="Sum",
        Period=300,
        EvaluationPeriods=1,
        Threshold=100000,
        ComparisonOperator="GreaterThanThreshold",
        AlarmActions=[topic],
    )
    alarm = cloudwatch.describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]
    assert alarm["StateValue"] == "INSUFFICIENT_DATA"
    assert alarm["StateReason"] == "Unchecked: Initial alarm creation"
    assert isinstance(alarm["StateUpdatedTimestamp"], datetime.datetime)

    def put(value):
        cloudwatch.put_metric_data(
            Namespace=NAMESPACE,
            MetricData=[{
                "MetricName": "VolumeWriteBytes",
                "Dimensions": [{"Name": "VolumeId", "Value": VOLUME}],
                "Timestamp": emulator_now(endpoint),
                "Value": value,
                "Unit": "Bytes",
            }],
        )

    put(5000)
    control(endpoint, "POST", "/_awslab/clock/advance?seconds=60")
    assert cloudwatch.describe_alarms(AlarmNames=[ALARM])["MetricAlarms"][0]["StateValue"] == "OK"
    put(250000)
    control(endpoint, "POST", "/_awslab/clock/advance?seconds=60")
    alarm = cloudwatch.describe_alarms(StateValue="ALARM")["MetricAlarms"][0]
    assert alarm["StateReason"].startswith("Threshold Crossed: 1 datapoint [")
    assert alarm["StateReason"].endswith("was greater than the threshold (100000.0).")

    history = cloudwatch.describe_alarm_history(AlarmName=ALARM, HistoryItemType="StateUpdate")
    assert [h["HistorySummary"] for h in history["AlarmHistoryItems"]] == [
        "Alarm updated from OK to ALARM",
        "Alarm updated from INSUFFICIENT_DATA to OK",
    ]
    now = emulator_now(endpoint)
    stats = cloudwatch.get_metric_statistics(
        Namespace=NAMESPACE,
        MetricName="VolumeWriteBytes",
        Dimensions=[{"Name": "VolumeId", "Value": VOLUME}],
        StartTime=now - datetime.timedelta(hours=1),
        EndTime=now,
        Period=3600,
        Statistics=["Sum", "Maximum"],
    )
    assert [(p["Sum"], p["Maximum"], p["Unit"]) for p in stats["Datapoints"]] in (
        [(255000.0, 250000.0, "Bytes")],
        # The hour may straddle two aligned periods.
        [(5000.0, 5000.0, "Bytes"), (250000.0, 250000.0, "Bytes")],
    )

    alarm_mail = mail_to(endpoint, "boto3@example.com")[-1]
    assert alarm_mail["subject"] == f'ALARM: "{ALARM}" in Asia Pacific (Seoul)'
    assert alarm_mail["body"].startswith(
        f'You are receiving this email because your Amazon CloudWatch Alarm "{ALARM}" in the '
        "Asia Pacific (Seoul) region has entered the ALARM state"
    )
    assert [m["subject"] for m in mail_to(endpoint, "never@example.com")] == [
        "AWS Notification - Subscription Confirmation"
    ]


def test_boto3_sees_aws_errors(client):
    cloudwatch = client("cloudwatch")
    try:
        cloudwatch.put_metric_alarm(
            AlarmName="bad", Namespace="N", MetricName="M", Statistic="Sum", Period=45,
            EvaluationPeriods=1, Threshold=1, ComparisonOperator="GreaterThanThreshold",
        )
        raise AssertionError("a period of 45 seconds was accepted")
    except cloudwatch.exceptions.ClientError as error:
        assert error.response["Error"]["Code"] == "ValidationError"
        assert error.response["Error"]["Message"] == "Period must be 10, 30 or a multiple of 60"
    try:
        cloudwatch.set_alarm_state(AlarmName="nope", StateValue="OK", StateReason="x")
        raise AssertionError("an unknown alarm was set")
    except cloudwatch.exceptions.ResourceNotFound as error:
        assert error.response["Error"]["Message"] == "Alarm nope not found"
    sns = client("sns")
    try:
        sns.get_topic_attributes(TopicArn=f"arn:aws:sns:{REGION}:{ACCOUNT}:Nope")
        raise AssertionError("an unknown topic was found")
    except sns.exceptions.NotFoundException as error:
        assert error.response["Error"]["Message"] == "Topic does not exist"


def test_the_cli_runs_the_alarm_lab(aws, endpoint):
    control(endpoint, "POST", "/_awslab/reset")
    topic = aws("sns", "create-topic", "--name", TOPIC)["TopicArn"]
    aws("sns", "subscribe", "--topic-arn", topic, "--protocol", "email",
        "--notification-endpoint", "cli@example.com")
    confirm_through_the_link(endpoint, "cli@example.com")
    subscriptions = aws("sns", "list-subscriptions-by-topic", "--topic-arn", topic)["Subscriptions"]
    assert subscriptions[0]["SubscriptionArn"].startswith(topic + ":")

    aws("cloudwatch", "put-metric-alarm",
        "--alarm-name", ALARM,
        "--alarm-description", "Too much written to the volume",
        "--namespace", NAMESPACE, "--metric-name", "VolumeWriteBytes",
        "--dimensions", f"Name=VolumeId,Value={VOLUME}",
        "--statistic", "Average", "--period", "300", "--evaluation-periods", "1",
        "--threshold", "100000", "--comparison-operator", "GreaterThanThreshold",
        "--alarm-actions", topic)
    alarms = aws("cloudwatch", "describe-alarms", "--alarm-names", ALARM)["MetricAlarms"]
    assert (alarms[0]["StateValue"], alarms[0]["Statistic"], alarms[0]["Threshold"]) == (
        "INSUFFICIENT_DATA", "Average", 100000.0)

    now = emulator_now(endpoint).strftime("%Y-%m-%dT%H:%M:%SZ")
    aws("cloudwatch", "put-metric-data", "--namespace", NAMESPACE,
        "--metric-name", "VolumeWriteBytes", "--dimensions", f"VolumeId={VOLUME}",
        "--value", "300000", "--unit", "Bytes", "--timestamp", now)
    control(endpoint, "POST", "/_awslab/clock/advance?seconds=60")
    alarms = aws("cloudwatch", "describe-alarms", "--state-value", "ALARM")["MetricAlarms"]
    assert [a["AlarmName"] for a in alarms] == [ALARM]
    history = aws("cloudwatch", "describe-alarm-history", "--alarm-name", ALARM,
                  "--history-item-type", "Action")["AlarmHistoryItems"]
    assert history[0]["HistorySummary"] == f"Successfully executed action {topic}"
    later = emulator_now(endpoint)
    stats = aws("cloudwatch", "get-metric-statistics", "--namespace", NAMESPACE,
                "--metric-name", "VolumeWriteBytes", "--dimensions", f"Name=VolumeId,Value={VOLUME}",
                "--start-time", (later - datetime.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "--end-time", later.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "--period", "600", "--statistics", "Average")
    assert [p["Average"] for p in stats["Datapoints"]] == [300000.0]
    assert mail_to(endpoint, "cli@example.com")[-1]["subject"] == f'ALARM: "{ALARM}" in Asia Pacific (Seoul)'


def signed_form(endpoint, service, form):
    """A SigV4-signed awsQuery form POST, as older boto3 sent to CloudWatch."""
    body = urllib.parse.urlencode(form)
    request = botocore.awsrequest.AWSRequest(
        method="POST", url=endpoint + "/", data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    credentials = botocore.credentials.Credentials("AKIASTUDENTEXAMPLE", "student-secret")
    botocore.auth.SigV4Auth(credentials, service, REGION).add_auth(request)
    prepared = request.prepare()
    http = urllib.request.Request(prepared.url, data=body.encode(), headers=dict(prepared.headers), method="POST")
    try:
        with urllib.request.urlopen(http, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_aws_query_form_posts(endpoint, client):
    control(endpoint, "POST", "/_awslab/reset")
    status, _ = signed_form(endpoint, "monitoring", {
        "Action": "PutMetricData", "Version": "2010-08-01", "Namespace": NAMESPACE,
        "MetricData.member.1.MetricName": "VolumeWriteBytes",
        "MetricData.member.1.Dimensions.member.1.Name": "VolumeId",
        "MetricData.member.1.Dimensions.member.1.Value": VOLUME,
        "MetricData.member.1.Value": "42",
    })
    assert status == 200
    status, xml = signed_form(endpoint, "monitoring", {
        "Action": "ListMetrics", "Version": "2010-08-01", "Namespace": NAMESPACE,
    })
    assert status == 200
    assert "<ListMetricsResponse xmlns=\"http://monitoring.amazonaws.com/doc/2010-08-01/\">" in xml
    assert "<MetricName>VolumeWriteBytes</MetricName>" in xml
    status, xml = signed_form(endpoint, "monitoring", {
        "Action": "DescribeAlarmHistory", "Version": "2010-08-01", "AlarmName": "nothing",
        "HistoryItemType": "Sideways",
    })
    assert status == 400
    assert "<Code>ValidationError</Code>" in xml
    # boto3 reads the same metric over awsJson.
    metrics = client("cloudwatch").list_metrics(Namespace=NAMESPACE)["Metrics"]
    assert metrics == [{"Namespace": NAMESPACE, "MetricName": "VolumeWriteBytes",
                        "Dimensions": [{"Name": "VolumeId", "Value": VOLUME}]}]
