import time
t0 = time.ticks_ms()
time.sleep_ms(20)
d = time.ticks_diff(time.ticks_ms(), t0)
print(15 <= d < 1000)
u0 = time.ticks_us()
time.sleep_us(1000)
print(time.ticks_diff(time.ticks_us(), u0) >= 900)
print(time.ticks_add(10, 5), time.ticks_diff(5, 10), time.ticks_diff(time.ticks_add(0, -1), 0))
