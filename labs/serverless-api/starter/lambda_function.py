import boto3

# 테이블은 함수 환경이 처음 뜰 때 한 번만 연결합니다.
# The table is looked up once, when the function's environment starts.
table = boto3.resource("dynamodb").Table("customers")


def lambda_handler(event, context):
    # event: API Gateway가 넘겨준 요청 본문(고객 정보) / the request body (the customer)
    # TODO 1: table.put_item(Item=...)으로 저장하세요. / Store it with table.put_item(Item=...).
    # TODO 2: {"code": 200, "message": "Data Successfully Inserted!"}를 돌려주세요.
    #         Return {"code": 200, "message": "Data Successfully Inserted!"}.
    return {"code": 501, "message": "Not implemented yet"}
