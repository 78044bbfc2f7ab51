import json
data = {'users': [{'name': 'a', 'tags': ['x', 'y'], 'score': 1.5}, {'name': 'b', 'tags': [], 'score': None}], 'count': 2, 'ok': False}
s = json.dumps(data, sort_keys=True)
print(s)
print(json.loads(s) == data, json.dumps(json.loads('[]')), json.loads('"\\\\"'))
