import json
data = {'name': 'kiln', 'n': 3, 'f': 1.5, 'ok': True, 'no': None, 'list': [1, 'two', [3]], 'nested': {'a': {}}}
s = json.dumps(data)
print(s)
print(json.loads(s) == data)
print(json.dumps([1, 2], separators=(',', ':')), json.dumps('é☃'), json.dumps('é', ensure_ascii=False))
print(json.dumps({'b': 1, 'a': 2}, sort_keys=True), json.dumps({'x': [1, {'y': 2}]}, indent=2))
print(json.loads('{"a": [1, 2.5e3, -3, "s\\n\\u00e9"], "t": true, "f": false, "n": null}'))
print(json.loads('  [ ]  '), json.loads('"\\ud83d\\ude00"') == '\U0001f600', json.dumps(1e100), json.dumps(-0.5))
for bad in ['[1,', '{"a" 1}', 'tru', '']:
    try:
        json.loads(bad)
    except ValueError:
        print('ValueError', repr(bad))
try:
    json.dumps(object())
except TypeError:
    print('TypeError')
print(json.dumps({1: 'int key', 2.5: 'x', True: 'b'}))
