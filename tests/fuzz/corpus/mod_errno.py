import errno
print(errno.ENOENT, errno.EINVAL, errno.EEXIST, errno.errorcode[errno.ENOENT], errno.EAGAIN)
try:
    raise OSError(errno.ENOENT, 'missing')
except OSError as e:
    print(e.errno, e.args, e.errno == errno.ENOENT)
