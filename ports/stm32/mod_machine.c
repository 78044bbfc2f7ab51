/* mod_machine.c: the stm32 port's `_machine` module: native primitives over drivers/ for the frozen
   modules/machine.py (Pin, UART, I2C, SPI, RTC, ADC, WDT). Also the port's native-module table (kn_port_modules). */
#include <string.h>

#include "board_pins.h"
#include "drivers/adc.h"
#include "drivers/bootloader.h"
#include "drivers/drv.h"
#include "drivers/i2c.h"
#include "drivers/soft_reset.h"
#include "drivers/spi.h"
#include "drivers/uart.h"
#include "drivers/gpio.h"
#include "drivers/iwdg.h"
#include "drivers/reset_cause.h"
#include "drivers/rtc.h"
#include "drivers/uid.h"
#include "hal.h"
#include "state.h"
#include "stm32_port.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);
kn_obj kn_mod_os_init(void);
kn_obj stm32_mod_pyb_init(void);
void stm32_machine_io_register(kn_obj globals);
void stm32_machine_io_soft_reset(void);

/* An int argument in lo..hi (a ValueError naming it otherwise, never a silent truncation). */
static uint32_t arg_in(kn_obj o, uint32_t lo, uint32_t hi, const char *what) {
    long long v = kn_get_ll(o);
    if (v < (long long)lo || v > (long long)hi)
        kn_raise_fmt(&kn_type_ValueError, "%s out of range (%u..%u)", what, (unsigned)lo, (unsigned)hi);
    return (uint32_t)v;
}
#define ARG_U8(o, what) ((uint8_t)arg_in((o), 0u, 0xFFu, (what)))
#define ARG_U32(o, what) arg_in((o), 0u, 0xFFFFFFFFu, (what))
#define ARG_PIN(o) arg_in((o), 0u, 0xFFFFu, "pin")

/* The bytes of a bytes-like argument (TypeError otherwise). */
static const uint8_t *arg_buffer(kn_obj o, size_t *len) {
    const uint8_t *d;
    if (!kn_get_buffer(o, &d, len)) kn_raise_type("a bytes-like object is required");
    return d;
}

/* A peripheral slot that must be initialised (OSError otherwise). */
static void *slot_up(void *slot, bool up, const char *what) {
    if (!up) kn_raise_fmt(&kn_type_OSError, "%s not initialised", what);
    return slot;
}

/* Raises OSError(errno) for a negative driver result. */
void stm32_check(int r) {
    if (r < 0) {
        kn_obj e = KN_MKSMALL(-r);
        kn_raise(kn_exc_new(&kn_type_OSError, 1, &e));
    }
}

static kn_obj m_freq(void) {
    return kn_int_from_ull(hal_cpu_hz());
}
static KN_FUN0(m_freq_obj, m_freq);

static kn_obj m_unique_id(void) {
    uint8_t id[12] = {0};
    if (!stm32_clocks()->emulated) stm32_unique_id(id); /* QEMU leaves the system memory unmapped: zeros */
    return kn_bytes_new((const char *)id, sizeof id);
}
static KN_FUN0(m_unique_id_obj, m_unique_id);

static kn_obj m_reset(void) {
    hal_reset();
}
static KN_FUN0(m_reset_obj, m_reset);

static kn_obj m_bootloader(void) {
    stm32_enter_bootloader();
}
static KN_FUN0(m_bootloader_obj, m_bootloader);

static kn_obj m_idle(void) {
    __asm volatile("wfi");
    return kn_none;
}
static KN_FUN0(m_idle_obj, m_idle);

/* RCC_CSR flags are read once per power-up (a static survives soft resets) and kept. */
static bool cause_taken;
static stm32_reset_cause_t cause;

/* MicroPython's numbering: PWRON_RESET 1, HARD_RESET 2, WDT_RESET 3, DEEPSLEEP_RESET 4, SOFT_RESET 5. */
static kn_obj m_reset_cause(void) {
    if (!cause_taken) {
        cause = stm32_reset_cause(stm32_reset_flags_take());
        cause_taken = true;
    }
    switch (cause) {
    case STM32_RESET_IWDG:
    case STM32_RESET_WWDG: return KN_MKSMALL(3);
    case STM32_RESET_SOFT: return KN_MKSMALL(5);
    case STM32_RESET_PIN: return KN_MKSMALL(2);
    case STM32_RESET_LOW_POWER: return KN_MKSMALL(4);
    default: return KN_MKSMALL(1);
    }
}
static KN_FUN0(m_reset_cause_obj, m_reset_cause);

/* _pin_cfg(code, mode, pull, open_drain, initial): mode 0 in, 1 out, 3 analog; initial -1 keeps the latch. */
static kn_obj m_pin_cfg(size_t n, const kn_obj *a) {
    (void)n;
    stm32_pin_config_t c;
    memset(&c, 0, sizeof c);
    c.mode = ARG_U8(a[1], "mode");
    c.pull = ARG_U8(a[2], "pull");
    c.open_drain = kn_truthy(a[3]);
    c.initial = (int8_t)kn_get_int(a[4]);
    c.speed = STM32_SPEED_LOW;
    stm32_check(stm32_pin_configure(ARG_PIN(a[0]), &c));
    return kn_none;
}
static KN_FUNV(m_pin_cfg_obj, 5, 5, m_pin_cfg);

static kn_obj m_pin_exists(kn_obj code) {
    kn_int_t c = kn_get_int(code);
    return KN_BOOL(c >= 0 && stm32_pin_exists((uint32_t)c));
}
static KN_FUN1(m_pin_exists_obj, m_pin_exists);

static kn_obj m_pin_write(kn_obj code, kn_obj v) {
    stm32_pin_write(ARG_PIN(code), kn_truthy(v));
    return kn_none;
}
static KN_FUN2(m_pin_write_obj, m_pin_write);

static kn_obj m_pin_read(kn_obj code) {
    return KN_MKSMALL(stm32_pin_read(ARG_PIN(code)) ? 1 : 0);
}
static KN_FUN1(m_pin_read_obj, m_pin_read);

static kn_obj m_pin_mode(kn_obj code) {
    return KN_MKSMALL(stm32_pin_mode(ARG_PIN(code)));
}
static KN_FUN1(m_pin_mode_obj, m_pin_mode);

/* ((name, code, active_low), ...) from the board's generated table (gen/pins.c, ends with a NULL name). */
static kn_obj m_board_pins(void) {
    kn_obj list = kn_list_new(0, NULL);
    for (size_t i = 0; kiln_board_pins[i].name != NULL; i++) {
        kn_obj t[3] = {kn_str_new_c(kiln_board_pins[i].name), KN_MKSMALL(kiln_board_pins[i].code),
                       KN_BOOL(kiln_board_pins[i].active_low)};
        kn_list_append(list, kn_tuple_new(3, t));
    }
    return list;
}
static KN_FUN0(m_board_pins_obj, m_board_pins);

static kn_obj m_wdt_start(kn_obj ms) {
    uint32_t actual = 0;
    kn_int_t t = kn_get_int(ms);
    if (t <= 0) kn_raise_value("WDT timeout must be positive");
    stm32_check(stm32_iwdg_start((uint32_t)t, &actual));
    return kn_int_from_ull(actual);
}
static KN_FUN1(m_wdt_start_obj, m_wdt_start);

static kn_obj m_wdt_feed(void) {
    stm32_iwdg_feed();
    return kn_none;
}
static KN_FUN0(m_wdt_feed_obj, m_wdt_feed);

/* ---- UART, I2C, ADC: driver state lives in static slots (outside the GC heap, which a soft reset wipes);
   Python objects hold the peripheral number. ---- */
#define UART_SLOTS 8u
#define UART_RX 16u
#define I2C_SLOTS 4u
static stm32_uart_t uarts[UART_SLOTS];
static uint8_t uart_rx[UART_SLOTS][UART_RX];
static stm32_i2c_t i2cs[I2C_SLOTS];
#define SPI_SLOTS 6u
static stm32_spi_t spis[SPI_SLOTS];
static stm32_adc_t adc1;

/* Called on every soft reset (kn_port_init): peripherals back to reset state, slots free. */
void stm32_machine_soft_reset(void) {
    stm32_machine_io_soft_reset(); /* first: it stops timers and PWM through their drivers */
    stm32_drivers_soft_reset();
    memset(uarts, 0, sizeof uarts);
    memset(i2cs, 0, sizeof i2cs);
    memset(spis, 0, sizeof spis);
    memset(&adc1, 0, sizeof adc1);
}

static uint32_t slot_of(kn_obj id, uint32_t n, const char *what) {
    kn_int_t i = kn_get_int(id);
    if (i < 1 || i > (kn_int_t)n) kn_raise_fmt(&kn_type_ValueError, "%s(%d) does not exist", what, (int)i);
    return (uint32_t)i - 1u;
}

static stm32_uart_t *uart_up(kn_obj id) {
    stm32_uart_t *u = &uarts[slot_of(id, UART_SLOTS, "UART")];
    return slot_up(u, u->up, "UART");
}

/* _uart_init(id, baud, bits, parity, stop, tx, rx) -> actual baud */
static kn_obj m_uart_init(size_t n, const kn_obj *a) {
    (void)n;
    uint32_t slot = slot_of(a[0], UART_SLOTS, "UART");
    stm32_uart_config_t c;
    memset(&c, 0, sizeof c);
    c.index = slot + 1u;
    c.baud = ARG_U32(a[1], "baudrate");
    c.bits = ARG_U8(a[2], "bits");
    c.parity = ARG_U8(a[3], "parity");
    c.stop = ARG_U8(a[4], "stop");
    c.tx_pin = ARG_PIN(a[5]);
    c.rx_pin = ARG_PIN(a[6]);
    c.priority = 8;
    c.rx_buf = uart_rx[slot];
    c.rx_size = UART_RX;
    if (uarts[slot].up) stm32_uart_deinit(&uarts[slot]);
    stm32_check(stm32_uart_init(&uarts[slot], &c));
    return kn_int_from_ull(uarts[slot].actual_baud);
}
static KN_FUNV(m_uart_init_obj, 7, 7, m_uart_init);

static kn_obj m_uart_deinit(kn_obj id) {
    stm32_uart_t *u = &uarts[slot_of(id, UART_SLOTS, "UART")];
    if (u->up) stm32_uart_deinit(u);
    return kn_none;
}
static KN_FUN1(m_uart_deinit_obj, m_uart_deinit);

static kn_obj m_uart_write(kn_obj id, kn_obj data) {
    stm32_uart_t *u = uart_up(id);
    size_t len;
    const uint8_t *d = arg_buffer(data, &len);
    int r = stm32_uart_write(u, d, len, 100000);
    stm32_check(r);
    return KN_MKSMALL(r);
}
static KN_FUN2(m_uart_write_obj, m_uart_write);

/* _uart_read(id, n, timeout_ms): up to n bytes, waiting up to timeout_ms for the first ones to arrive */
static kn_obj m_uart_read(kn_obj id, kn_obj nbytes, kn_obj timeout) {
    stm32_uart_t *u = uart_up(id);
    kn_int_t want = kn_get_int(nbytes);
    kn_int_t t = kn_get_int(timeout);
    uint32_t start = hal_ticks_ms();
    kn_vstr_t v;
    kn_vstr_init(&v, want > 0 ? (size_t)want + 1 : 16);
    for (;;) {
        size_t step = want >= 0 ? (size_t)want - v.len : 64u;
        if (step == 0) break;
        char *dst = kn_vstr_extend(&v, step);
        size_t got = stm32_uart_read(u, (uint8_t *)dst, step);
        v.len -= step - got;
        if (got == 0) {
            if ((kn_int_t)(hal_ticks_ms() - start) >= t) break;
            kn_check_interrupt();
        }
    }
    return kn_vstr_to_bytes(&v);
}
static KN_FUN3(m_uart_read_obj, m_uart_read);

static kn_obj m_uart_any(kn_obj id) {
    return KN_MKSMALL(stm32_uart_any(uart_up(id)));
}
static KN_FUN1(m_uart_any_obj, m_uart_any);

static stm32_i2c_t *i2c_up(kn_obj id) {
    stm32_i2c_t *i = &i2cs[slot_of(id, I2C_SLOTS, "I2C")];
    return slot_up(i, i->up, "I2C");
}

/* _i2c_init(id, freq, scl, sda, timeout_us) -> actual freq */
static kn_obj m_i2c_init(size_t n, const kn_obj *a) {
    (void)n;
    uint32_t slot = slot_of(a[0], I2C_SLOTS, "I2C");
    stm32_i2c_config_t c;
    memset(&c, 0, sizeof c);
    c.index = slot + 1u;
    c.freq_hz = ARG_U32(a[1], "freq");
    c.scl_pin = ARG_PIN(a[2]);
    c.sda_pin = ARG_PIN(a[3]);
    c.timeout_us = ARG_U32(a[4], "timeout");
    if (i2cs[slot].up) stm32_i2c_deinit(&i2cs[slot]);
    stm32_check(stm32_i2c_init(&i2cs[slot], &c));
    return kn_int_from_ull(i2cs[slot].actual_hz);
}
static KN_FUNV(m_i2c_init_obj, 5, 5, m_i2c_init);

/* _i2c_write(id, addr, buf, stop) -> bytes written (a NACKed address: OSError(ENODEV)) */
static kn_obj m_i2c_write(size_t n, const kn_obj *a) {
    (void)n;
    stm32_i2c_t *i = i2c_up(a[0]);
    size_t len;
    const uint8_t *d = arg_buffer(a[2], &len);
    int r = stm32_i2c_write(i, (uint8_t)arg_in(a[1], 0u, 0x7Fu, "I2C address"), d, len, kn_truthy(a[3]));
    stm32_check(r);
    return KN_MKSMALL(r);
}
static KN_FUNV(m_i2c_write_obj, 4, 4, m_i2c_write);

static kn_obj m_i2c_read(size_t n, const kn_obj *a) {
    (void)n;
    stm32_i2c_t *i = i2c_up(a[0]);
    kn_int_t len = kn_get_int(a[2]);
    if (len < 0) kn_raise_value("negative length");
    kn_vstr_t v;
    kn_vstr_init(&v, (size_t)len + 1);
    char *dst = kn_vstr_extend(&v, (size_t)len);
    if (len > 0) stm32_check(stm32_i2c_read(i, (uint8_t)arg_in(a[1], 0u, 0x7Fu, "I2C address"), (uint8_t *)dst, (size_t)len, kn_truthy(a[3])));
    return kn_vstr_to_bytes(&v);
}
static KN_FUNV(m_i2c_read_obj, 4, 4, m_i2c_read);

/* Addresses 0x08..0x77 that acknowledge an empty write. */
static kn_obj m_i2c_scan(kn_obj id) {
    stm32_i2c_t *i = i2c_up(id);
    kn_obj list = kn_list_new(0, NULL);
    for (uint8_t addr = 0x08; addr < 0x78; addr++) {
        int r = stm32_i2c_write(i, addr, NULL, 0, true);
        if (r >= 0) kn_list_append(list, KN_MKSMALL(addr));
        else if (r != -STM32_ENODEV) stm32_check(r);
        kn_check_interrupt();
    }
    return list;
}
static KN_FUN1(m_i2c_scan_obj, m_i2c_scan);

/* _adc_channel(pin code) -> ADC1 channel of that pin, or -1 */
static kn_obj m_adc_channel(kn_obj code) {
    kn_int_t c = kn_get_int(code);
    for (uint32_t ch = 0; ch < 16; ch++)
        if (stm32_adc_channel_pin(ch) == (uint32_t)c) return KN_MKSMALL(ch);
    return KN_MKSMALL(-1);
}
static KN_FUN1(m_adc_channel_obj, m_adc_channel);

/* _adc_read(channel) -> 12-bit sample (ADC1, initialised on first use) */
static kn_obj m_adc_read(kn_obj channel) {
    if (!adc1.up) stm32_check(stm32_adc_init(&adc1, 1, 12));
    uint32_t v = 0;
    stm32_check(stm32_adc_read(&adc1, ARG_U32(channel, "channel"), &v));
    return KN_MKSMALL(v);
}
static KN_FUN1(m_adc_read_obj, m_adc_read);

/* RTC: brought up on first use (LSE given 500 ms, else LSI); the calendar is kept across soft resets.
   _rtc_datetime() -> (year, month, day, weekday 1=Monday..7, hour, minute, second, subsecond);
   _rtc_datetime(tuple) sets it (the weekday field is recomputed by the driver or taken as given). */
static stm32_rtc_t rtc;

static kn_obj m_rtc_datetime(size_t n, const kn_obj *a) {
    if (!rtc.up) stm32_check(stm32_rtc_init(&rtc, 500));
    stm32_datetime_t d;
    memset(&d, 0, sizeof d);
    if (n == 0) {
        stm32_check(stm32_rtc_get(&rtc, &d));
        kn_obj t[8] = {KN_MKSMALL(d.year), KN_MKSMALL(d.month), KN_MKSMALL(d.day), KN_MKSMALL(d.weekday),
                       KN_MKSMALL(d.hour), KN_MKSMALL(d.minute), KN_MKSMALL(d.second), KN_MKSMALL(d.subsecond)};
        return kn_tuple_new(8, t);
    }
    size_t len;
    kn_obj *items;
    if (!kn_is_type(a[0], &kn_type_tuple) && !kn_is_type(a[0], &kn_type_list)) kn_raise_type("datetime must be a tuple");
    kn_seq_get(a[0], &len, &items);
    if (len < 7) kn_raise_value("datetime needs (year, month, day, weekday, hour, minute, second[, subsecond])");
    d.year = (uint16_t)arg_in(items[0], 0u, 0xFFFFu, "year");
    d.month = ARG_U8(items[1], "month");
    d.day = ARG_U8(items[2], "day");
    d.weekday = ARG_U8(items[3], "weekday");
    d.hour = ARG_U8(items[4], "hour");
    d.minute = ARG_U8(items[5], "minute");
    d.second = ARG_U8(items[6], "second");
    int r = stm32_rtc_set(&rtc, &d);
    if (r == -STM32_EINVAL) kn_raise_value("datetime out of range (years 2000..2099)");
    stm32_check(r);
    return kn_none;
}
static KN_FUNV(m_rtc_datetime_obj, 0, 1, m_rtc_datetime);

/* SPI: _spi_init(id, baud, mode, lsb_first, sck, mosi, miso) -> actual baud; _spi_xfer(id, tx or None, n)
   -> the n bytes read back (tx None: 0xFF... sent; a shorter tx is padded by the Python layer). */

static kn_obj m_spi_init(size_t n, const kn_obj *a) {
    (void)n;
    uint32_t slot = slot_of(a[0], SPI_SLOTS, "SPI");
    stm32_spi_config_t c;
    memset(&c, 0, sizeof c);
    c.index = slot + 1u;
    c.baud = ARG_U32(a[1], "baudrate");
    c.mode = ARG_U8(a[2], "mode");
    c.lsb_first = kn_truthy(a[3]);
    c.sck_pin = ARG_PIN(a[4]);
    c.mosi_pin = ARG_PIN(a[5]);
    c.miso_pin = ARG_PIN(a[6]);
    if (spis[slot].up) stm32_spi_deinit(&spis[slot]);
    stm32_check(stm32_spi_init(&spis[slot], &c));
    return kn_int_from_ull(spis[slot].actual_baud);
}
static KN_FUNV(m_spi_init_obj, 7, 7, m_spi_init);

static kn_obj m_spi_xfer(kn_obj id, kn_obj tx, kn_obj nbytes) {
    stm32_spi_t *sp = &spis[slot_of(id, SPI_SLOTS, "SPI")];
    slot_up(sp, sp->up, "SPI");
    kn_int_t len = kn_get_int(nbytes);
    if (len < 0) kn_raise_value("negative length");
    const uint8_t *d = NULL;
    size_t dn = 0;
    if (tx != kn_none) d = arg_buffer(tx, &dn);
    if (d != NULL && dn < (size_t)len) kn_raise_value("write buffer shorter than the transfer");
    kn_vstr_t v;
    kn_vstr_init(&v, (size_t)len + 1);
    char *dst = kn_vstr_extend(&v, (size_t)len);
    stm32_check(stm32_spi_transfer(sp, d, (uint8_t *)dst, (size_t)len));
    return kn_vstr_to_bytes(&v);
}
static KN_FUN3(m_spi_xfer_obj, m_spi_xfer);

static const kn_method_t machine_table[] = {
    {KN_Q(_spi_init), KN_OBJ(&m_spi_init_obj)},
    {KN_Q(_spi_xfer), KN_OBJ(&m_spi_xfer_obj)},
    {KN_Q(_rtc_datetime), KN_OBJ(&m_rtc_datetime_obj)},
    {KN_Q(_uart_init), KN_OBJ(&m_uart_init_obj)},
    {KN_Q(_uart_deinit), KN_OBJ(&m_uart_deinit_obj)},
    {KN_Q(_uart_write), KN_OBJ(&m_uart_write_obj)},
    {KN_Q(_uart_read), KN_OBJ(&m_uart_read_obj)},
    {KN_Q(_uart_any), KN_OBJ(&m_uart_any_obj)},
    {KN_Q(_i2c_init), KN_OBJ(&m_i2c_init_obj)},
    {KN_Q(_i2c_write), KN_OBJ(&m_i2c_write_obj)},
    {KN_Q(_i2c_read), KN_OBJ(&m_i2c_read_obj)},
    {KN_Q(_i2c_scan), KN_OBJ(&m_i2c_scan_obj)},
    {KN_Q(_adc_channel), KN_OBJ(&m_adc_channel_obj)},
    {KN_Q(_adc_read), KN_OBJ(&m_adc_read_obj)},
    {KN_Q(freq), KN_OBJ(&m_freq_obj)},
    {KN_Q(unique_id), KN_OBJ(&m_unique_id_obj)},
    {KN_Q(reset), KN_OBJ(&m_reset_obj)},
    {KN_Q(bootloader), KN_OBJ(&m_bootloader_obj)},
    {KN_Q(idle), KN_OBJ(&m_idle_obj)},
    {KN_Q(reset_cause), KN_OBJ(&m_reset_cause_obj)},
    {KN_Q(_pin_cfg), KN_OBJ(&m_pin_cfg_obj)},
    {KN_Q(_pin_exists), KN_OBJ(&m_pin_exists_obj)},
    {KN_Q(_pin_write), KN_OBJ(&m_pin_write_obj)},
    {KN_Q(_pin_read), KN_OBJ(&m_pin_read_obj)},
    {KN_Q(_pin_mode), KN_OBJ(&m_pin_mode_obj)},
    {KN_Q(_board_pins), KN_OBJ(&m_board_pins_obj)},
    {KN_Q(_wdt_start), KN_OBJ(&m_wdt_start_obj)},
    {KN_Q(_wdt_feed), KN_OBJ(&m_wdt_feed_obj)},
    {KN_Q(PWRON_RESET), KN_MKSMALL(1)},
    {KN_Q(HARD_RESET), KN_MKSMALL(2)},
    {KN_Q(WDT_RESET), KN_MKSMALL(3)},
    {KN_Q(DEEPSLEEP_RESET), KN_MKSMALL(4)},
    {KN_Q(SOFT_RESET), KN_MKSMALL(5)},
};

kn_obj kn_mod_machine_init(void) {
    kn_obj m = kn_module_from_table(KN_Q(_machine), machine_table, sizeof machine_table / sizeof machine_table[0]);
    stm32_machine_io_register(((kn_module_t *)KN_PTR(m))->globals); /* PWM, Timer, DAC, mem*, sleep */
    return m;
}

static const kn_native_module_t port_modules[] = {
    {KN_Q(_machine), kn_mod_machine_init},
    {KN_Q(_os), kn_mod_os_init},
    {KN_Q(_pyb), stm32_mod_pyb_init},
};

const kn_native_module_t *kn_port_modules(size_t *n) {
    *n = sizeof port_modules / sizeof port_modules[0];
    return port_modules;
}
