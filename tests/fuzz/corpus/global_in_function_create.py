def make():
    global new_name
    new_name = 'created'
make()
print(new_name)
