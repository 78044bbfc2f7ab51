res = []
for x in ['1', 'a', '3', 'b']:
    try:
        res.append(int(x))
    except ValueError:
        res.append(None)
        continue
    finally:
        res.append('f')
print(res)
