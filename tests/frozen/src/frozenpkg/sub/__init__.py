SUB_NAME = "sub package"
