import time
t0 = time.time()
time.sleep(0.01)
t1 = time.time()
print(t1 >= t0, type(t0).__name__)
