import boto3

# 테이블은 함수 환경이 처음 뜰 때 한 번만 연결합니다.
# The table is looked up once, when the function's environment starts.
table = boto3.resource("dynamodb").Table("customers")


def lambda_handler(event, context):
    # event: API Gateway가 넘겨준 요청 본문(고객 정보) / the request body (the customer)
    table.put_item(Item=event)
    return {"code": 200, "message": "Data Successfully Inserted!"}
