/* mod_machine_c3.c: the ESP32-C3's extra `machine` classes: I2C(0), SPI(1), ADC, PWM (LEDC), Timer
   (TIMG0/1) and WDT (MWDT0), as native primitives plus Python classes added to the module by mod_machine.c. */
#include <errno.h>
#include <string.h>

#include "esp32_hal.h"
#include "esp32c3_regs.h"
#include "esp_adc.h"
#include "esp_gpio.h"
#include "esp_i2c.h"
#include "esp_machine.h"
#include "esp_pwm.h"
#include "esp_spi.h"
#include "esp_timer.h"
#include "esp_wdt.h"
#include "hal.h"
#include "state.h"

#define EVENT_TIMER0 24u
static uint32_t pwm_channels_used; /* LEDC channels a PWM object configured (stopped on soft reset) */

void esp32_machine_c3_soft_reset(void) {
    esp_timer_deinit_all();
    esp32_timers_live = 0;
    for (unsigned ch = 0; ch < ESP_PWM_CHANNELS; ch++)
        if (pwm_channels_used & (1u << ch)) (void)esp_pwm_channel_stop(ch, 0);
    pwm_channels_used = 0;
}

/* ---- I2C0 ---- */

/* _i2c_init(scl, sda, freq, timeout_us) -> actual freq */
static kn_obj m_i2c_init(size_t n, const kn_obj *a) {
    (void)n;
    unsigned scl = esp32_pin_of(a[0]), sda = esp32_pin_of(a[1]);
    kn_int_t freq = kn_get_int(a[2]);
    kn_int_t timeout = kn_get_int(a[3]);
    if (freq < 1000 || freq > 1000000) kn_raise_fmt(&kn_type_ValueError, "freq %d out of range (1 kHz..1 MHz)", (int)freq);
    if (timeout <= 0) kn_raise_value("timeout must be positive");
    if (scl == sda) kn_raise_value("scl and sda must be different pins");
    esp32_check(esp_i2c_init(0, (int)scl, (int)sda, (uint32_t)freq, (uint32_t)timeout));
    return kn_int_from_ull(esp_i2c_freq(0));
}
static KN_FUNV(m_i2c_init_obj, 4, 4, m_i2c_init);

static uint8_t i2c_addr(kn_obj addr) {
    kn_int_t a = kn_get_int(addr);
    if (a < 0 || a > 0x7F) kn_raise_fmt(&kn_type_ValueError, "addr 0x%x is not a 7-bit I2C address", (unsigned)a);
    return (uint8_t)a;
}

/* _i2c_write(addr, buf, stop) -> bytes written (NACKed address: OSError(ENODEV)) */
static kn_obj m_i2c_write(kn_obj addr, kn_obj buf, kn_obj stop) {
    const uint8_t *d;
    size_t len;
    if (!kn_get_buffer(buf, &d, &len)) kn_raise_type("a bytes-like object is required");
    int r = esp_i2c_write(0, i2c_addr(addr), d, len, kn_truthy(stop));
    esp32_check(r);
    return KN_MKSMALL(len);
}
static KN_FUN3(m_i2c_write_obj, m_i2c_write);

static kn_obj m_i2c_read(kn_obj addr, kn_obj nbytes, kn_obj stop) {
    uint8_t a = i2c_addr(addr);
    kn_int_t len = kn_get_int(nbytes);
    if (len < 0) kn_raise_value("nbytes must not be negative");
    kn_vstr_t v;
    kn_vstr_init(&v, (size_t)len + 1);
    char *dst = kn_vstr_extend(&v, (size_t)len);
    if (len > 0) esp32_check(esp_i2c_read(0, a, (uint8_t *)dst, (size_t)len, kn_truthy(stop)));
    return kn_vstr_to_bytes(&v);
}
static KN_FUN3(m_i2c_read_obj, m_i2c_read);

static kn_obj m_i2c_scan(void) {
    kn_obj list = kn_list_new(0, NULL);
    for (uint8_t addr = 0x08; addr < 0x78; addr++) {
        int r = esp_i2c_write(0, addr, NULL, 0, 1);
        if (r >= 0) kn_list_append(list, KN_MKSMALL(addr));
        else if (r != -ENODEV) esp32_check(r);
        kn_check_interrupt();
    }
    return list;
}
static KN_FUN0(m_i2c_scan_obj, m_i2c_scan);

/* ---- SPI (GP-SPI2) ---- */

/* _spi_init(baud, mode, lsb_first, sck, mosi, miso) -> actual baud (a pin of -1 stays unrouted) */
static int spi_pin(kn_obj p) {
    return p == kn_none ? ESP_SPI_NO_PIN : (int)esp32_pin_of(p);
}

static kn_obj m_spi_init(size_t n, const kn_obj *a) {
    (void)n;
    kn_int_t baud = kn_get_int(a[0]);
    if (baud < 40000000 / (16 * 64) || baud > 40000000) kn_raise_fmt(&kn_type_ValueError, "baudrate %d out of range (39063..40000000)", (int)baud);
    kn_int_t mode = kn_get_int(a[1]);
    esp32_check(esp_spi_init(2, (uint32_t)baud, (unsigned)mode, spi_pin(a[3]), spi_pin(a[4]), spi_pin(a[5]), kn_truthy(a[2])));
    return kn_int_from_ull(esp_spi_baud(2));
}
static KN_FUNV(m_spi_init_obj, 6, 6, m_spi_init);

/* _spi_xfer(tx or None, n, fill) -> the n bytes read */
static kn_obj m_spi_xfer(kn_obj tx, kn_obj nbytes, kn_obj fill) {
    kn_int_t len = kn_get_int(nbytes);
    if (len < 0) kn_raise_value("nbytes must not be negative");
    const uint8_t *d = NULL;
    size_t dn = 0;
    if (tx != kn_none && !kn_get_buffer(tx, &d, &dn)) kn_raise_type("a bytes-like object is required");
    if (d != NULL && dn < (size_t)len) kn_raise_value("write buffer shorter than the transfer");
    kn_vstr_t v;
    kn_vstr_init(&v, (size_t)len + 1);
    char *dst = kn_vstr_extend(&v, (size_t)len);
    if (len > 0) esp32_check(esp_spi_transfer(2, d, (uint8_t *)dst, (size_t)len, (uint8_t)kn_get_int(fill)));
    return kn_vstr_to_bytes(&v);
}
static KN_FUN3(m_spi_xfer_obj, m_spi_xfer);

/* ---- ADC1 ---- */

static kn_obj m_adc_channel(kn_obj code) {
    unsigned pin = esp32_pin_of(code);
    int ch = esp_adc_channel_of_pin(pin);
    if (ch < 0) kn_raise_fmt(&kn_type_ValueError, "invalid pin: GPIO%d has no ADC1 channel (GPIO0..4)", (int)pin);
    esp32_check(esp_adc_config_pin(pin));
    return KN_MKSMALL(ch);
}
static KN_FUN1(m_adc_channel_obj, m_adc_channel);

static kn_obj m_adc_read(kn_obj channel, kn_obj atten) {
    kn_int_t at = kn_get_int(atten);
    if (at < ESP_ADC_ATTEN_0DB || at > ESP_ADC_ATTEN_11DB) kn_raise_fmt(&kn_type_ValueError, "invalid atten: %d", (int)at);
    int r = esp_adc_read_raw((unsigned)kn_get_int(channel), (unsigned)at);
    esp32_check(r);
    return KN_MKSMALL(r);
}
static KN_FUN2(m_adc_read_obj, m_adc_read);

/* ---- PWM (LEDC); channel/timer allocation is done by the Python class ---- */

static kn_obj m_pwm_timer(kn_obj timer, kn_obj freq) {
    kn_int_t f = kn_get_int(freq);
    kn_int_t t = kn_get_int(timer);
    if (f < 1 || f > 20000000) kn_raise_fmt(&kn_type_ValueError, "freq %d Hz out of range (1..20000000)", (int)f);
    int r = esp_pwm_timer_config((unsigned)t, (uint32_t)f);
    if (r == -EINVAL) kn_raise_fmt(&kn_type_ValueError, "freq %d Hz cannot be made from the 40 MHz clock", (int)f);
    esp32_check(r);
    return kn_int_from_ull(esp_pwm_timer_freq((unsigned)t));
}
static KN_FUN2(m_pwm_timer_obj, m_pwm_timer);

static kn_obj m_pwm_timer_freq(kn_obj timer) {
    return kn_int_from_ull(esp_pwm_timer_freq((unsigned)kn_get_int(timer)));
}
static KN_FUN1(m_pwm_timer_freq_obj, m_pwm_timer_freq);

static uint32_t duty_of(kn_obj duty) {
    kn_int_t d = kn_get_int(duty);
    if (d < 0 || d > 65535) kn_raise_fmt(&kn_type_ValueError, "duty_u16 %d out of range (0..65535)", (int)d);
    return (uint32_t)d;
}

/* _pwm_channel(channel, timer, pin, duty_u16) */
static kn_obj m_pwm_channel(size_t n, const kn_obj *a) {
    (void)n;
    unsigned ch = (unsigned)kn_get_int(a[0]);
    unsigned pin = esp32_pin_of(a[2]);
    uint32_t duty = duty_of(a[3]);
    esp32_check(esp_pwm_channel_config(ch, (unsigned)kn_get_int(a[1]), pin, duty));
    pwm_channels_used |= 1u << ch;
    return kn_none;
}
static KN_FUNV(m_pwm_channel_obj, 4, 4, m_pwm_channel);

static kn_obj m_pwm_duty(size_t n, const kn_obj *a) {
    unsigned ch = (unsigned)kn_get_int(a[0]);
    if (n == 1) return kn_int_from_ull(esp_pwm_get_duty(ch));
    esp32_check(esp_pwm_set_duty(ch, duty_of(a[1])));
    return kn_none;
}
static KN_FUNV(m_pwm_duty_obj, 1, 2, m_pwm_duty);

static kn_obj m_pwm_stop(kn_obj channel) {
    unsigned ch = (unsigned)kn_get_int(channel);
    esp32_check(esp_pwm_channel_stop(ch, 0));
    pwm_channels_used &= ~(1u << ch);
    return kn_none;
}
static KN_FUN1(m_pwm_stop_obj, m_pwm_stop);

/* ---- Timer (TIMG0/1 T0) ---- */

static void timer_event(unsigned id, void *periodic) {
    esp32_machine_events |= 1u << (EVENT_TIMER0 + id);
    if (periodic == NULL) esp32_timers_live &= ~(1u << id);
}

static unsigned timer_of(kn_obj id) {
    kn_int_t i = kn_get_int(id);
    if (i < 0 || i >= (kn_int_t)ESP_TIMER_COUNT) kn_raise_fmt(&kn_type_ValueError, "Timer(%d) does not exist (0 or 1)", (int)i);
    return (unsigned)i;
}

/* _timer_start(id, period_us, periodic) */
static kn_obj m_timer_start(kn_obj id, kn_obj period, kn_obj periodic) {
    unsigned t = timer_of(id);
    long long us = kn_get_ll(period);
    if (us <= 0) kn_raise_value("period must be positive");
    bool every = kn_truthy(periodic);
    uint32_t saved = esp32_irq_save();
    esp32_timers_live |= 1u << t; /* before the start: a short one-shot may fire (and clear it) at once */
    esp32_irq_restore(saved);
    int r = esp_timer_start(t, (uint64_t)us, every, timer_event, every ? (void *)&esp32_timers_live : NULL);
    if (r < 0) esp32_timers_live &= ~(1u << t);
    esp32_check(r);
    return kn_none;
}
static KN_FUN3(m_timer_start_obj, m_timer_start);

static kn_obj m_timer_stop(kn_obj id) {
    unsigned t = timer_of(id);
    esp32_check(esp_timer_stop(t));
    uint32_t saved = esp32_irq_save();
    esp32_machine_events &= ~(1u << (EVENT_TIMER0 + t));
    esp32_timers_live &= ~(1u << t);
    esp32_irq_restore(saved);
    return kn_none;
}
static KN_FUN1(m_timer_stop_obj, m_timer_stop);

static kn_obj m_timer_value(kn_obj id) {
    int64_t v = esp_timer_count_us(timer_of(id));
    if (v < 0) esp32_check((int)v);
    return kn_int_from_ll(v);
}
static KN_FUN1(m_timer_value_obj, m_timer_value);

/* ---- WDT (MWDT0) ---- */

static kn_obj m_wdt_start(kn_obj ms) {
    kn_int_t t = kn_get_int(ms);
    if (t <= 0) kn_raise_value("timeout must be positive");
    esp32_check(esp_wdt_start(ESP_WDT_MWDT0, (uint32_t)t));
    return kn_none;
}
static KN_FUN1(m_wdt_start_obj, m_wdt_start);

static kn_obj m_wdt_feed(void) {
    esp32_check(esp_wdt_feed(ESP_WDT_MWDT0));
    return kn_none;
}
static KN_FUN0(m_wdt_feed_obj, m_wdt_feed);

static const char machine_src_wdt[] =
    "class WDT:\n"
    "    def __init__(self, id=0, timeout=5000):\n"
    "        if id != 0:\n"
    "            raise ValueError('WDT(%r) does not exist' % (id,))\n"
    "        if not isinstance(timeout, int) or timeout < 1:\n"
    "            raise ValueError('timeout must be a positive number of ms')\n"
    "        _wdt_start(timeout)\n"
    "        self.timeout = timeout\n"
    "    def feed(self):\n"
    "        _wdt_feed()\n";

static const char machine_src_bus[] =
    "class I2C:\n"
    "    def __init__(self, id=0, scl=None, sda=None, freq=400000, timeout=50000):\n"
    "        if id != 0:\n"
    "            raise ValueError('I2C(%r) does not exist: the ESP32-C3 has I2C(0) only' % (id,))\n"
    "        self.freq = _i2c_init(_code(scl, 'scl'), _code(sda, 'sda'), freq, timeout)\n"
    "    def scan(self):\n"
    "        return _i2c_scan()\n"
    "    def writeto(self, addr, buf, stop=True):\n"
    "        return _i2c_write(addr, buf, stop)\n"
    "    def writevto(self, addr, vector, stop=True):\n"
    "        return _i2c_write(addr, b''.join(bytes(v) for v in vector), stop)\n"
    "    def readfrom(self, addr, nbytes, stop=True):\n"
    "        return _i2c_read(addr, nbytes, stop)\n"
    "    def readfrom_into(self, addr, buf, stop=True):\n"
    "        buf[:] = _i2c_read(addr, len(buf), stop)\n"
    "    def _mem(self, memaddr, addrsize):\n"
    "        if addrsize not in (8, 16):\n"
    "            raise ValueError('addrsize must be 8 or 16')\n"
    "        return bytes([memaddr >> 8 & 255, memaddr & 255]) if addrsize == 16 else bytes([memaddr & 255])\n"
    "    def writeto_mem(self, addr, memaddr, buf, addrsize=8):\n"
    "        _i2c_write(addr, self._mem(memaddr, addrsize) + bytes(buf), True)\n"
    "    def readfrom_mem(self, addr, memaddr, nbytes, addrsize=8):\n"
    "        _i2c_write(addr, self._mem(memaddr, addrsize), False)\n"
    "        return _i2c_read(addr, nbytes, True)\n"
    "    def readfrom_mem_into(self, addr, memaddr, buf, addrsize=8):\n"
    "        buf[:] = self.readfrom_mem(addr, memaddr, len(buf), addrsize)\n"
    "class SPI:\n"
    "    MSB = 0\n"
    "    LSB = 1\n"
    "    def __init__(self, id, baudrate=1000000, polarity=0, phase=0, bits=8, firstbit=0, sck=None, mosi=None, miso=None):\n"
    "        if id != 1:\n"
    "            raise ValueError('SPI(%r) does not exist: SPI(1) is GP-SPI2' % (id,))\n"
    "        self.init(baudrate, polarity, phase, bits, firstbit, sck, mosi, miso)\n"
    "    def init(self, baudrate=1000000, polarity=0, phase=0, bits=8, firstbit=0, sck=None, mosi=None, miso=None):\n"
    "        if polarity not in (0, 1):\n"
    "            raise ValueError('polarity must be 0 or 1')\n"
    "        if phase not in (0, 1):\n"
    "            raise ValueError('phase must be 0 or 1')\n"
    "        if bits != 8:\n"
    "            raise ValueError('bits: only 8-bit transfers')\n"
    "        if firstbit not in (0, 1):\n"
    "            raise ValueError('firstbit must be SPI.MSB or SPI.LSB')\n"
    "        p = [None if v is None else _code(v, n) for v, n in ((sck, 'sck'), (mosi, 'mosi'), (miso, 'miso'))]\n"
    "        if p[0] is None:\n"
    "            raise ValueError('sck= pin is required')\n"
    "        self.baudrate = _spi_init(baudrate, (polarity << 1) | phase, firstbit, p[0], p[1], p[2])\n"
    "    def deinit(self):\n"
    "        pass\n"
    "    def write(self, buf):\n"
    "        _spi_xfer(buf, len(buf), 0)\n"
    "    def read(self, nbytes, write=0):\n"
    "        return _spi_xfer(None, nbytes, write)\n"
    "    def readinto(self, buf, write=0):\n"
    "        buf[:] = _spi_xfer(None, len(buf), write)\n"
    "    def write_readinto(self, wbuf, rbuf):\n"
    "        if len(wbuf) != len(rbuf):\n"
    "            raise ValueError('buffers must have the same length')\n"
    "        rbuf[:] = _spi_xfer(wbuf, len(rbuf), 0)\n";

static const char machine_src_timers[] =
    "class ADC:\n"
    "    ATTN_0DB = 0\n"
    "    ATTN_2_5DB = 1\n"
    "    ATTN_6DB = 2\n"
    "    ATTN_11DB = 3\n"
    "    def __init__(self, pin, atten=0):\n"
    "        self._ch = _adc_channel(_code(pin, 'pin'))\n"
    "        self.atten(atten)\n"
    "    def atten(self, atten):\n"
    "        if atten not in (0, 1, 2, 3):\n"
    "            raise ValueError('invalid atten: %r' % (atten,))\n"
    "        self._atten = atten\n"
    "    def read(self):\n"
    "        return _adc_read(self._ch, self._atten)\n"
    "    def read_u16(self):\n"
    "        v = _adc_read(self._ch, self._atten)\n"
    "        return (v << 4) | (v >> 8)\n"
    "_pwm = {}\n"
    "_pwm_freq = [0, 0, 0, 0]\n"
    "def _pwm_users(t, but=None):\n"
    "    return [c for c in _pwm if _pwm[c][1] == t and c != but]\n"
    "class PWM:\n"
    "    def __init__(self, dest, freq=5000, duty_u16=32768, duty_ns=None, invert=False):\n"
    "        if invert:\n"
    "            raise ValueError('invert: not supported')\n"
    "        self._pin = _code(dest, 'dest')\n"
    "        self._ch = None\n"
    "        for c in _pwm:\n"
    "            if _pwm[c][0] == self._pin:\n"
    "                self._ch = c\n"
    "        self.init(freq, duty_u16, duty_ns)\n"
    "    def init(self, freq=None, duty_u16=None, duty_ns=None):\n"
    "        if duty_u16 is not None and not (isinstance(duty_u16, int) and 0 <= duty_u16 <= 65535):\n"
    "            raise ValueError('duty_u16 must be 0..65535, not %r' % (duty_u16,))\n"
    "        if freq is not None and not (isinstance(freq, int) and freq >= 1):\n"
    "            raise ValueError('freq must be a positive int (Hz), not %r' % (freq,))\n"
    "        if self._ch is None or self._ch not in _pwm or _pwm[self._ch][0] != self._pin:\n"
    "            free = [c for c in range(6) if c not in _pwm]\n"
    "            if not free:\n"
    "                raise ValueError('out of PWM channels (6)')\n"
    "            self._ch = free[0]\n"
    "            _pwm[self._ch] = [self._pin, None, 32768]\n"
    "        st = _pwm[self._ch]\n"
    "        if duty_u16 is not None:\n"
    "            st[2] = duty_u16\n"
    "        if freq is not None or st[1] is None:\n"
    "            self._set_freq(5000 if freq is None else freq)\n"
    "        if duty_ns is not None:\n"
    "            self.duty_ns(duty_ns)\n"
    "        _pwm_channel(self._ch, st[1], self._pin, st[2])\n"
    "    def _set_freq(self, freq):\n"
    "        if not isinstance(freq, int) or freq < 1:\n"
    "            raise ValueError('freq must be a positive int (Hz)')\n"
    "        st = _pwm[self._ch]\n"
    "        for t in range(4):\n"
    "            if _pwm_freq[t] == freq and _pwm_users(t, self._ch):\n"
    "                st[1] = t\n"
    "                return\n"
    "        if st[1] is not None and not _pwm_users(st[1], self._ch):\n"
    "            t = st[1]\n"
    "        else:\n"
    "            free = [t for t in range(4) if not _pwm_users(t, self._ch)]\n"
    "            if not free:\n"
    "                raise ValueError('freq: all 4 PWM timers run other frequencies')\n"
    "            t = free[0]\n"
    "        _pwm_timer(t, freq)\n"
    "        _pwm_freq[t] = freq\n"
    "        st[1] = t\n"
    "    def _st(self):\n"
    "        st = _pwm.get(self._ch)\n"
    "        if st is None or st[0] != self._pin:\n"
    "            raise ValueError('PWM is deinitialised')\n"
    "        return st\n"
    "    def freq(self, freq=None):\n"
    "        st = self._st()\n"
    "        if freq is None:\n"
    "            return _pwm_timer_freq(st[1])\n"
    "        self._set_freq(freq)\n"
    "        _pwm_channel(self._ch, st[1], self._pin, st[2])\n"
    "    def duty_u16(self, duty=None):\n"
    "        st = self._st()\n"
    "        if duty is None:\n"
    "            return _pwm_duty(self._ch)\n"
    "        _pwm_duty(self._ch, duty)\n"
    "        st[2] = duty\n"
    "    def duty_ns(self, ns=None):\n"
    "        st = self._st()\n"
    "        f = _pwm_timer_freq(st[1])\n"
    "        if ns is None:\n"
    "            return _pwm_duty(self._ch) * 1000000000 // (65536 * f)\n"
    "        if ns < 0:\n"
    "            raise ValueError('duty_ns must not be negative')\n"
    "        self.duty_u16(min(65535, ns * f * 65536 // 1000000000))\n"
    "    def deinit(self):\n"
    "        if _pwm.get(self._ch, (None,))[0] == self._pin:\n"
    "            _pwm_stop(self._ch)\n"
    "            del _pwm[self._ch]\n"
    "    def __repr__(self):\n"
    "        return 'PWM(Pin(%d))' % self._pin\n"
    "class Timer:\n"
    "    ONE_SHOT = 0\n"
    "    PERIODIC = 1\n"
    "    def __init__(self, id, mode=1, period=-1, freq=None, callback=None, tick_hz=1000):\n"
    "        if id not in (0, 1):\n"
    "            raise ValueError('Timer(%r) does not exist (0 or 1)' % (id,))\n"
    "        self._id = id\n"
    "        if period != -1 or freq is not None or callback is not None:\n"
    "            self.init(mode, period, freq, callback, tick_hz)\n"
    "    def init(self, mode=1, period=-1, freq=None, callback=None, tick_hz=1000):\n"
    "        if mode not in (0, 1):\n"
    "            raise ValueError('invalid mode: %r' % (mode,))\n"
    "        if freq is not None:\n"
    "            if freq <= 0:\n"
    "                raise ValueError('freq must be positive')\n"
    "            us = int(1000000 / freq)\n"
    "        else:\n"
    "            if period is None or period <= 0 or tick_hz <= 0:\n"
    "                raise ValueError('period must be positive')\n"
    "            us = int(period * 1000000 // tick_hz)\n"
    "        if us < 1:\n"
    "            raise ValueError('period is shorter than 1 us')\n"
    "        if callback is not None and not callable(callback):\n"
    "            raise TypeError('callback must be callable')\n"
    "        _timer_stop(self._id)\n"
    "        _handlers[24 + self._id] = (callback, self)\n"
    "        _timer_start(self._id, us, mode)\n"
    "    def deinit(self):\n"
    "        _timer_stop(self._id)\n"
    "        _handlers.pop(24 + self._id, None)\n"
    "    def value(self):\n"
    "        return _timer_value(self._id) // 1000\n"
    "    def __repr__(self):\n"
    "        return 'Timer(%d)' % self._id\n";


static const kn_method_t c3_table[] = {
    {KN_Q(_i2c_init), KN_OBJ(&m_i2c_init_obj)},
    {KN_Q(_i2c_write), KN_OBJ(&m_i2c_write_obj)},
    {KN_Q(_i2c_read), KN_OBJ(&m_i2c_read_obj)},
    {KN_Q(_i2c_scan), KN_OBJ(&m_i2c_scan_obj)},
    {KN_Q(_spi_init), KN_OBJ(&m_spi_init_obj)},
    {KN_Q(_spi_xfer), KN_OBJ(&m_spi_xfer_obj)},
    {KN_Q(_adc_channel), KN_OBJ(&m_adc_channel_obj)},
    {KN_Q(_adc_read), KN_OBJ(&m_adc_read_obj)},
    {KN_Q(_pwm_timer), KN_OBJ(&m_pwm_timer_obj)},
    {KN_Q(_pwm_timer_freq), KN_OBJ(&m_pwm_timer_freq_obj)},
    {KN_Q(_pwm_channel), KN_OBJ(&m_pwm_channel_obj)},
    {KN_Q(_pwm_duty), KN_OBJ(&m_pwm_duty_obj)},
    {KN_Q(_pwm_stop), KN_OBJ(&m_pwm_stop_obj)},
    {KN_Q(_timer_start), KN_OBJ(&m_timer_start_obj)},
    {KN_Q(_timer_stop), KN_OBJ(&m_timer_stop_obj)},
    {KN_Q(_timer_value), KN_OBJ(&m_timer_value_obj)},
    {KN_Q(_wdt_start), KN_OBJ(&m_wdt_start_obj)},
    {KN_Q(_wdt_feed), KN_OBJ(&m_wdt_feed_obj)},
};

void esp32_machine_c3_add(kn_obj globals) {
    for (size_t i = 0; i < sizeof c3_table / sizeof c3_table[0]; i++) kn_dict_set(globals, c3_table[i].name, c3_table[i].value);
    static const char *const parts[] = {machine_src_wdt, machine_src_bus, machine_src_timers};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        kn_gc_collect(); /* the compiler needs room for a whole unit's parse tree */
        kn_obj code = kn_compile_src(parts[i], strlen(parts[i]), KN_Q(machine), KN_MODE_FILE);
        kn_exec_code(code, globals, globals);
    }
}
