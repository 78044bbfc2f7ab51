class InsufficientFunds(Exception):
    pass
class Account:
    def __init__(self, owner, balance=0):
        self.owner = owner
        self._balance = balance
    @property
    def balance(self):
        return self._balance
    def deposit(self, amt):
        if amt <= 0:
            raise ValueError('positive only')
        self._balance += amt
        return self
    def withdraw(self, amt):
        if amt > self._balance:
            raise InsufficientFunds('need %d more' % (amt - self._balance))
        self._balance -= amt
        return self
a = Account('x')
a.deposit(100).withdraw(30)
print(a.balance)
for f in (lambda: a.withdraw(500), lambda: a.deposit(-1)):
    try:
        f()
    except (InsufficientFunds, ValueError) as e:
        print(type(e).__name__, e)
