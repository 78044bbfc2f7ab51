try:
  pass
except* E:
  pass
finally:
  with a as (b, c), d: pass
