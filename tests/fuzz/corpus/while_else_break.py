def search(l, t):
    i = 0
    while i < len(l):
        if l[i] == t:
            print('found at', i)
            break
        i += 1
    else:
        print('not found')
search([1, 2, 3], 2)
search([1, 2, 3], 5)
