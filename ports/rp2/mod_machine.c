/* mod_machine.c: the rp2 port's `_machine` module: native primitives over the drivers for the frozen
   modules/machine.py (Pin, UART, I2C, SPI, ADC, PWM, Timer, WDT). Also the port's native-module table. */
#include <string.h>

#include "board_config.h"
#include "hal.h"
#include "pins.h"
#include "rp2040.h"
#include "rp2_adc.h"
#include "rp2_alarm.h"
#include "rp2_bootrom.h"
#include "rp2_err.h"
#include "rp2_gpio.h"
#include "rp2_hal.h"
#include "rp2_i2c.h"
#include "rp2_port.h"
#include "rp2_pwm.h"
#include "rp2_ramfunc.h"
#include "rp2_reset.h"
#include "rp2_spi.h"
#include "rp2_uart.h"
#include "rp2_unique_id.h"
#include "rp2_wdt.h"
#include "state.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);

/* errno values MicroPython reports for the same conditions. */
#define E_NODEV 19
#define E_IO 5
#define E_BUSY 16
#define E_TIMEDOUT 110
#define E_NOENT 2
#define E_INVAL 22
#define SIO_GPIO_OE (SIO_BASE + 0x20u)
#define SIO_GPIO_OE_XOR (SIO_BASE + 0x2cu)

void rp2_raise_errno(int errno_value) {
    kn_obj e = KN_MKSMALL(errno_value);
    kn_raise(kn_exc_new(&kn_type_OSError, 1, &e));
}

/* A negative driver result (rp2_err.h) as OSError(errno); returns r otherwise. */
int rp2_check(int r) {
    switch (r) {
    case RP2_ERR_INVALID: rp2_raise_errno(E_INVAL);
    case RP2_ERR_TIMEOUT: rp2_raise_errno(E_TIMEDOUT);
    case RP2_ERR_NACK_ADDR: rp2_raise_errno(E_NODEV);
    case RP2_ERR_BUSY: rp2_raise_errno(E_BUSY);
    case RP2_ERR_NOT_FOUND: rp2_raise_errno(E_NOENT);
    default:
        if (r < 0) rp2_raise_errno(E_IO);
        return r;
    }
}

/* ---- what interrupt handlers leave for the interpreter (static: outside the GC heap) ---- */
static volatile uint32_t pending_gpio;  /* pins whose IRQ fired */
static volatile uint32_t pending_timer; /* alarms that fired */
static volatile uint8_t gpio_events[RP2_GPIO_COUNT];
static volatile uint8_t gpio_count[RP2_GPIO_COUNT]; /* edges since the last dispatch (saturating) */
static volatile uint16_t timer_count[RP2_ALARM_COUNT];
static uint32_t open_drain; /* pins emulating open drain: output latch 0, OE = !value */
static struct {
    uint32_t period_us; /* 0: one shot */
    uint32_t target;
} timers[RP2_ALARM_COUNT];
static uint32_t timers_claimed;
static kn_obj gpio_dispatch = KN_NULL; /* machine._gpio_dispatch(mask), machine._timer_dispatch(mask) */
static kn_obj timer_dispatch = KN_NULL;

/* Peripherals the last session's objects set up go back to reset; nothing points into the old heap. */
void rp2_machine_soft_reset(void) {
    rp2_soft_reset();
    pending_gpio = 0;
    pending_timer = 0;
    open_drain = 0;
    timers_claimed = 0;
    memset((void *)gpio_events, 0, sizeof gpio_events);
    memset((void *)gpio_count, 0, sizeof gpio_count);
    memset((void *)timer_count, 0, sizeof timer_count);
    gpio_dispatch = KN_NULL;
    timer_dispatch = KN_NULL;
}

/* The core calls this where scheduled callbacks run: interrupt flags become (dispatcher, mask) entries. */
void kn_port_poll(void) {
    if (pending_gpio == 0u && pending_timer == 0u) return;
    if (kn_st.gc_lock > 0 || kn_st.sched_queue == KN_NULL) return; /* no allocation now: the flags wait */
    uint32_t saved = rp2_ram_irq_save();
    uint32_t g = pending_gpio, t = pending_timer;
    pending_gpio = 0;
    pending_timer = 0;
    rp2_ram_irq_restore(saved);
    if (g != 0u && gpio_dispatch != KN_NULL) {
        kn_list_append(kn_st.sched_queue, gpio_dispatch);
        kn_list_append(kn_st.sched_queue, KN_MKSMALL(g));
    }
    if (t != 0u && timer_dispatch != KN_NULL) {
        kn_list_append(kn_st.sched_queue, timer_dispatch);
        kn_list_append(kn_st.sched_queue, KN_MKSMALL(t));
    }
}

void kn_run_scheduled(void); /* interp.c */

/* The console waits for input: run what interrupts left (a Timer blinking an LED keeps going at the prompt).
   Errors the handlers let through are printed; the prompt goes on. */
void rp2_console_idle(void) {
    if ((pending_gpio | pending_timer) == 0u || (gpio_dispatch == KN_NULL && timer_dispatch == KN_NULL) ||
        kn_st.gc_collecting) {
        return;
    }
    kn_nlr_t h;
    if (KN_TRY(&h)) {
        kn_port_poll();
        kn_run_scheduled();
        kn_nlr_pop(&h);
    } else {
        kn_print_exception(&kn_stderr_print, h.exc);
    }
}

static kn_obj m_irq_init(kn_obj g, kn_obj t) {
    gpio_dispatch = g;
    timer_dispatch = t;
    return kn_none;
}
static KN_FUN2(m_irq_init_obj, m_irq_init);

/* _irq_take(kind, index) -> interrupts counted since the last call (kind 0: GPIO pin, 1: timer alarm) */
static kn_obj m_irq_take(kn_obj kind, kn_obj index) {
    kn_int_t k = kn_get_int(kind), i = kn_get_int(index);
    uint32_t n = 0;
    uint32_t saved = rp2_ram_irq_save();
    if (k == 0 && i >= 0 && i < (kn_int_t)RP2_GPIO_COUNT) {
        n = gpio_count[i];
        gpio_count[i] = 0;
    } else if (k == 1 && i >= 0 && i < (kn_int_t)RP2_ALARM_COUNT) {
        n = timer_count[i];
        timer_count[i] = 0;
    }
    rp2_ram_irq_restore(saved);
    return KN_MKSMALL(n);
}
static KN_FUN2(m_irq_take_obj, m_irq_take);

/* ---- chip ---- */
static kn_obj m_freq(size_t n, const kn_obj *a) {
    if (n == 1 && (uint64_t)kn_get_ll(a[0]) != hal_cpu_hz())
        kn_raise_fmt(&kn_type_ValueError, "freq: clk_sys is fixed at %d Hz on this port", (int)hal_cpu_hz());
    return n == 1 ? kn_none : kn_int_from_ull(hal_cpu_hz());
}
static KN_FUNV(m_freq_obj, 0, 1, m_freq);

static kn_obj m_unique_id(void) {
    uint8_t id[RP2_UNIQUE_ID_LEN];
    rp2_check(rp2_unique_id(id));
    return kn_bytes_new((const char *)id, sizeof id);
}
static KN_FUN0(m_unique_id_obj, m_unique_id);

static kn_obj m_reset(void) {
    hal_reset();
}
static KN_FUN0(m_reset_obj, m_reset);

static kn_obj m_bootloader(void) {
    rp2_console_flush();
    rp2_check(rp2_bootloader_enter(0));
    return kn_none;
}
static KN_FUN0(m_bootloader_obj, m_bootloader);

static void idle_wake(uint32_t alarm, void *arg) {
    (void)alarm;
    (void)arg;
}

/* Sleeps until the next interrupt, at most 1 ms (the port has no periodic tick: a spare TIMER alarm bounds it). */
static kn_obj m_idle(void) {
    int alarm = rp2_alarm_claim();
    if (alarm < 0) return kn_none; /* every alarm runs a Timer: no bound, so no sleep */
    if (rp2_alarm_set_in((uint32_t)alarm, 1000u, idle_wake, NULL) == RP2_OK) __asm volatile("wfi");
    rp2_alarm_release((uint32_t)alarm);
    return kn_none;
}
static KN_FUN0(m_idle_obj, m_idle);

/* MicroPython's numbering: PWRON_RESET 1, HARD_RESET 2, WDT_RESET 3, SOFT_RESET 5. */
static kn_obj m_reset_cause(void) {
    switch (rp2_reset_cause()) {
    case RP2_RESET_WATCHDOG: return KN_MKSMALL(3);
    case RP2_RESET_SOFT: return KN_MKSMALL(5);
    case RP2_RESET_RUN_PIN:
    case RP2_RESET_DEBUG: return KN_MKSMALL(2);
    default: return KN_MKSMALL(1);
    }
}
static KN_FUN0(m_reset_cause_obj, m_reset_cause);

/* "0x" + 8 hex digits into buf[11]. */
static const char *hex32(char *buf, uint32_t v) {
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 8; i++) buf[2 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15u];
    buf[10] = 0;
    return buf;
}

/* ---- mem8/16/32: only inside the RP2040's mapped regions, naturally aligned (else the core faults) ---- */
static uint32_t mem_addr(kn_obj addr, kn_obj width) {
    long long a = kn_get_ll(addr);
    uint32_t w = (uint32_t)kn_get_int(width);
    static const uint32_t regions[][2] = {
        {0x00000000u, 0x00004000u}, /* ROM */
        {0x10000000u, 0x10000000u + KILN_REGION_FLASH_LENGTH}, /* XIP */
        {0x20000000u, 0x20042000u}, /* SRAM */
        {0x40000000u, 0x40070000u}, /* APB peripherals */
        {0x50000000u, 0x50400000u}, /* AHB-Lite peripherals (DMA, USB, PIO) */
        {0xd0000000u, 0xd0000200u}, /* SIO */
        {0xe0000000u, 0xe0010000u}, /* Cortex-M0+ private peripherals */
    };
    char hex[11];
    if (a < 0 || a > 0xffffffffLL) kn_raise_value("address out of range (0..0xffffffff)");
    if ((uint32_t)a & (w - 1u))
        kn_raise_fmt(&kn_type_ValueError, "address %s is not %d-byte aligned", hex32(hex, (uint32_t)a), (int)w);
    for (size_t i = 0; i < sizeof regions / sizeof regions[0]; i++)
        if ((uint32_t)a >= regions[i][0] && (uint32_t)a + w <= regions[i][1]) return (uint32_t)a;
    kn_raise_fmt(&kn_type_ValueError, "address %s is not mapped on the RP2040", hex32(hex, (uint32_t)a));
}

static kn_obj m_mem_get(kn_obj addr, kn_obj width) {
    uint32_t a = mem_addr(addr, width);
    switch (kn_get_int(width)) {
    case 1: return KN_MKSMALL(*(volatile uint8_t *)a);
    case 2: return KN_MKSMALL(*(volatile uint16_t *)a);
    default: return kn_int_from_ull(*(volatile uint32_t *)a);
    }
}
static KN_FUN2(m_mem_get_obj, m_mem_get);

static kn_obj m_mem_set(kn_obj addr, kn_obj width, kn_obj value) {
    uint32_t a = mem_addr(addr, width);
    uint32_t v = (uint32_t)kn_get_ll(value);
    switch (kn_get_int(width)) {
    case 1: *(volatile uint8_t *)a = (uint8_t)v; break;
    case 2: *(volatile uint16_t *)a = (uint16_t)v; break;
    default: *(volatile uint32_t *)a = v; break;
    }
    return kn_none;
}
static KN_FUN3(m_mem_set_obj, m_mem_set);

/* ---- Pin ---- */
static uint32_t pin_of(kn_obj pin) {
    kn_int_t p = kn_get_int(pin);
    if (p < 0 || p >= (kn_int_t)RP2_GPIO_COUNT) kn_raise_fmt(&kn_type_ValueError, "invalid pin: %d", (int)p);
    return (uint32_t)p;
}

/* _pin_cfg(pin, mode, pull, value): mode 0 IN, 1 OUT, 2 OPEN_DRAIN; pull 0/1 up/2 down; value -1 keeps the latch. */
static kn_obj m_pin_cfg(size_t n, const kn_obj *a) {
    (void)n;
    uint32_t pin = pin_of(a[0]);
    kn_int_t mode = kn_get_int(a[1]);
    kn_int_t pull = kn_get_int(a[2]);
    kn_int_t value = kn_get_int(a[3]);
    if (pin == KILN_REPL_TX_PIN || pin == KILN_REPL_RX_PIN)
        kn_raise_fmt(&kn_type_ValueError, "pin GP%d is the REPL console's UART", (int)pin);
    rp2_check(rp2_gpio_set_pull(pin, (rp2_gpio_pull_t)pull));
    uint32_t bit = 1u << pin;
    if (mode == 2) {
        open_drain |= bit;
        REG32(SIO_GPIO_OUT_CLR) = bit;
        if (value >= 0) REG32(value ? SIO_GPIO_OE_CLR : SIO_GPIO_OE_SET) = bit;
        rp2_check(rp2_gpio_set_function(pin, IO_FUNC_SIO));
        return kn_none;
    }
    open_drain &= ~bit;
    if (value >= 0) REG32(value ? SIO_GPIO_OUT_SET : SIO_GPIO_OUT_CLR) = bit;
    rp2_check(rp2_gpio_set_function(pin, IO_FUNC_SIO));
    rp2_check(rp2_gpio_set_dir(pin, mode == 1));
    return kn_none;
}
static KN_FUNV(m_pin_cfg_obj, 4, 4, m_pin_cfg);

static kn_obj m_pin_write(kn_obj pin, kn_obj v) {
    uint32_t p = pin_of(pin), bit = 1u << p;
    bool on = kn_truthy(v);
    if (open_drain & bit) REG32(on ? SIO_GPIO_OE_CLR : SIO_GPIO_OE_SET) = bit; /* released: the pull-up decides */
    else rp2_gpio_put(p, on);
    return kn_none;
}
static KN_FUN2(m_pin_write_obj, m_pin_write);

/* _pin_mode(pin) -> 2 open drain, else 1 when the SIO output is enabled, 0 when not */
static kn_obj m_pin_mode(kn_obj pin) {
    uint32_t bit = 1u << pin_of(pin);
    if (open_drain & bit) return KN_MKSMALL(2);
    return KN_MKSMALL((REG32(SIO_GPIO_OE) & bit) ? 1 : 0);
}
static KN_FUN1(m_pin_mode_obj, m_pin_mode);

static kn_obj m_pin_read(kn_obj pin) {
    return KN_MKSMALL(rp2_gpio_get(pin_of(pin)) ? 1 : 0);
}
static KN_FUN1(m_pin_read_obj, m_pin_read);

static kn_obj m_pin_toggle(kn_obj pin) {
    uint32_t p = pin_of(pin), bit = 1u << p;
    if (open_drain & bit) REG32(SIO_GPIO_OE_XOR) = bit;
    else rp2_gpio_toggle(p);
    return kn_none;
}
static KN_FUN1(m_pin_toggle_obj, m_pin_toggle);

static void gpio_irq(uint32_t pin, uint32_t events, void *arg) {
    (void)arg;
    gpio_events[pin] |= (uint8_t)events;
    if (gpio_count[pin] != 0xffu) gpio_count[pin]++;
    pending_gpio |= 1u << pin;
}

/* _pin_irq(pin, events): events 0 disables */
static kn_obj m_pin_irq(kn_obj pin, kn_obj events) {
    uint32_t p = pin_of(pin);
    kn_int_t e = kn_get_int(events);
    if (e < 0 || e > (kn_int_t)RP2_GPIO_IRQ_ALL) kn_raise_fmt(&kn_type_ValueError, "invalid trigger: %d", (int)e);
    gpio_events[p] = 0;
    gpio_count[p] = 0;
    rp2_check(rp2_gpio_set_irq(p, (uint32_t)e, e ? gpio_irq : NULL, NULL));
    return kn_none;
}
static KN_FUN2(m_pin_irq_obj, m_pin_irq);

/* _pin_flags(pin) -> events seen since the last call (read and cleared) */
static kn_obj m_pin_flags(kn_obj pin) {
    uint32_t p = pin_of(pin);
    uint32_t saved = rp2_ram_irq_save();
    uint32_t e = gpio_events[p];
    gpio_events[p] = 0;
    rp2_ram_irq_restore(saved);
    return KN_MKSMALL(e);
}
static KN_FUN1(m_pin_flags_obj, m_pin_flags);

/* ((name, gpio), ...) from the board's generated pins.h table. */
static kn_obj m_board_pins(void) {
    kn_obj list = kn_list_new(0, NULL);
    for (size_t i = 0; i < KILN_BOARD_PIN_COUNT; i++) {
        kn_obj t[2] = {kn_str_new_c(kiln_board_pins[i].name), KN_MKSMALL(kiln_board_pins[i].code)};
        kn_list_append(list, kn_tuple_new(2, t));
    }
    return list;
}
static KN_FUN0(m_board_pins_obj, m_board_pins);

/* ---- UART: 1 only (UART0 carries the REPL on this port's boards) ---- */
static uint32_t uart_of(kn_obj id) {
    kn_int_t u = kn_get_int(id);
    if (u < 0 || u >= (kn_int_t)RP2_UART_COUNT) kn_raise_fmt(&kn_type_ValueError, "UART(%d) does not exist", (int)u);
    if (u == KILN_REPL_UART) rp2_raise_errno(E_BUSY);
    return (uint32_t)u;
}

static uint32_t uart_up(kn_obj id) {
    uint32_t u = uart_of(id);
    if (rp2_uart_baud(u) == 0u) kn_raise_msg(&kn_type_OSError, "UART not initialised");
    return u;
}

/* _uart_init(id, baud, bits, parity, stop, tx, rx) -> actual baud; parity 0 none, 1 odd, 2 even */
static kn_obj m_uart_init(size_t n, const kn_obj *a) {
    (void)n;
    uint32_t u = uart_of(a[0]);
    kn_int_t baud = kn_get_int(a[1]);
    if (baud <= 0 || baud > 7800000) kn_raise_fmt(&kn_type_ValueError, "baudrate %d out of range", (int)baud);
    rp2_uart_deinit(u);
    rp2_check(rp2_uart_init(u, (uint32_t)baud, pin_of(a[5]), pin_of(a[6])));
    rp2_check(rp2_uart_set_format(u, (uint32_t)kn_get_int(a[2]), (uint32_t)kn_get_int(a[3]), (uint32_t)kn_get_int(a[4])));
    return kn_int_from_ull(rp2_uart_baud(u));
}
static KN_FUNV(m_uart_init_obj, 7, 7, m_uart_init);

static kn_obj m_uart_deinit(kn_obj id) {
    rp2_uart_deinit(uart_of(id));
    return kn_none;
}
static KN_FUN1(m_uart_deinit_obj, m_uart_deinit);

static kn_obj m_uart_write(kn_obj id, kn_obj data) {
    uint32_t u = uart_up(id);
    const uint8_t *d;
    size_t len;
    if (!kn_get_buffer(data, &d, &len)) kn_raise_type("a bytes-like object is required");
    rp2_uart_write(u, d, len);
    return KN_MKSMALL(len);
}
static KN_FUN2(m_uart_write_obj, m_uart_write);

/* _uart_read(id, n, timeout_ms, stop_at_newline): up to n bytes (n < 0: all), waiting up to timeout_ms between bytes */
static kn_obj m_uart_read(size_t n, const kn_obj *a) {
    (void)n;
    uint32_t u = uart_up(a[0]);
    kn_int_t want = kn_get_int(a[1]);
    kn_int_t t = kn_get_int(a[2]);
    bool line = kn_truthy(a[3]);
    uint32_t last = hal_ticks_ms();
    kn_vstr_t v;
    kn_vstr_init(&v, 16);
    while (want < 0 || (kn_int_t)v.len < want) {
        int c = rp2_uart_read(u);
        if (c < 0) {
            if ((kn_int_t)(hal_ticks_ms() - last) >= t) break;
            kn_check_interrupt();
            continue;
        }
        kn_vstr_addc(&v, (char)c);
        last = hal_ticks_ms();
        if (line && c == '\n') break;
    }
    return kn_vstr_to_bytes(&v);
}
static KN_FUNV(m_uart_read_obj, 4, 4, m_uart_read);

static kn_obj m_uart_any(kn_obj id) {
    return KN_MKSMALL(rp2_uart_rx_available(uart_up(id)));
}
static KN_FUN1(m_uart_any_obj, m_uart_any);

/* ---- I2C ---- */
static uint32_t i2c_timeout_us[RP2_I2C_COUNT];

static uint32_t i2c_of(kn_obj id) {
    kn_int_t i = kn_get_int(id);
    if (i < 0 || i >= (kn_int_t)RP2_I2C_COUNT) kn_raise_fmt(&kn_type_ValueError, "I2C(%d) does not exist", (int)i);
    return (uint32_t)i;
}

/* _i2c_init(id, freq, scl, sda, timeout_us) -> actual freq is not reported by the driver: freq */
static kn_obj m_i2c_init(size_t n, const kn_obj *a) {
    (void)n;
    uint32_t i = i2c_of(a[0]);
    kn_int_t f = kn_get_int(a[1]);
    if (f <= 0 || f > 1000000) kn_raise_fmt(&kn_type_ValueError, "freq %d out of range (1..1000000)", (int)f);
    kn_int_t t = kn_get_int(a[4]);
    if (t <= 0) kn_raise_value("timeout must be positive");
    rp2_i2c_deinit(i);
    rp2_check(rp2_i2c_init(i, (uint32_t)f, pin_of(a[3]), pin_of(a[2])));
    i2c_timeout_us[i] = (uint32_t)t;
    return kn_none;
}
static KN_FUNV(m_i2c_init_obj, 5, 5, m_i2c_init);

static uint32_t i2c_addr(kn_obj addr) {
    kn_int_t a = kn_get_int(addr);
    if (a < 0 || a > 0x7f) kn_raise_fmt(&kn_type_ValueError, "I2C address %d out of range (0..127)", (int)a);
    return (uint32_t)a;
}

/* _i2c_write(id, addr, buf, stop) -> bytes written */
static kn_obj m_i2c_write(size_t n, const kn_obj *a) {
    (void)n;
    uint32_t i = i2c_of(a[0]);
    const uint8_t *d;
    size_t len;
    if (!kn_get_buffer(a[2], &d, &len)) kn_raise_type("a bytes-like object is required");
    if (len == 0) kn_raise_value("the RP2040 I2C block cannot send an empty write");
    return KN_MKSMALL(rp2_check(rp2_i2c_write(i, i2c_addr(a[1]), d, len, kn_truthy(a[3]), i2c_timeout_us[i])));
}
static KN_FUNV(m_i2c_write_obj, 4, 4, m_i2c_write);

/* _i2c_read(id, addr, n, stop) -> bytes */
static kn_obj m_i2c_read(size_t n, const kn_obj *a) {
    (void)n;
    uint32_t i = i2c_of(a[0]);
    kn_int_t len = kn_get_int(a[2]);
    if (len < 0) kn_raise_value("negative length");
    kn_vstr_t v;
    kn_vstr_init(&v, (size_t)len + 1);
    char *dst = kn_vstr_extend(&v, (size_t)len);
    if (len > 0)
        rp2_check(rp2_i2c_read(i, i2c_addr(a[1]), (uint8_t *)dst, (size_t)len, kn_truthy(a[3]), i2c_timeout_us[i]));
    return kn_vstr_to_bytes(&v);
}
static KN_FUNV(m_i2c_read_obj, 4, 4, m_i2c_read);

/* Addresses 0x08..0x77 that acknowledge a one-byte read (the block cannot send a bare address). */
static kn_obj m_i2c_scan(kn_obj id) {
    uint32_t i = i2c_of(id);
    kn_obj list = kn_list_new(0, NULL);
    for (uint32_t addr = 0x08; addr < 0x78; addr++) {
        uint8_t b;
        int r = rp2_i2c_read(i, addr, &b, 1, 1, i2c_timeout_us[i]);
        if (r >= 0) kn_list_append(list, KN_MKSMALL(addr));
        else if (r != RP2_ERR_NACK_ADDR) rp2_check(r);
        kn_check_interrupt();
    }
    return list;
}
static KN_FUN1(m_i2c_scan_obj, m_i2c_scan);

/* ---- SPI ---- */
static uint32_t spi_of(kn_obj id) {
    kn_int_t s = kn_get_int(id);
    if (s < 0 || s >= (kn_int_t)RP2_SPI_COUNT) kn_raise_fmt(&kn_type_ValueError, "SPI(%d) does not exist", (int)s);
    return (uint32_t)s;
}

/* _spi_init(id, baud, mode, sck, mosi, miso or -1) -> actual baud */
static kn_obj m_spi_init(size_t n, const kn_obj *a) {
    (void)n;
    uint32_t s = spi_of(a[0]);
    kn_int_t baud = kn_get_int(a[1]);
    if (baud <= 0) kn_raise_fmt(&kn_type_ValueError, "baudrate %d out of range", (int)baud);
    uint32_t miso = kn_get_int(a[5]) < 0 ? RP2_SPI_NO_PIN : pin_of(a[5]);
    rp2_spi_deinit(s);
    rp2_check(rp2_spi_init(s, (uint32_t)baud, pin_of(a[3]), pin_of(a[4]), miso, (uint32_t)kn_get_int(a[2])));
    return kn_int_from_ull(rp2_spi_baud(s));
}
static KN_FUNV(m_spi_init_obj, 6, 6, m_spi_init);

/* _spi_xfer(id, tx or None, n) -> the n bytes read back (tx None: 0xff sent) */
static kn_obj m_spi_xfer(kn_obj id, kn_obj tx, kn_obj nbytes) {
    uint32_t s = spi_of(id);
    if (rp2_spi_baud(s) == 0u) kn_raise_msg(&kn_type_OSError, "SPI not initialised");
    kn_int_t len = kn_get_int(nbytes);
    if (len < 0) kn_raise_value("negative length");
    const uint8_t *d = NULL;
    size_t dn = 0;
    if (tx != kn_none && !kn_get_buffer(tx, &d, &dn)) kn_raise_type("a bytes-like object is required");
    if (d != NULL && dn < (size_t)len) kn_raise_value("write buffer shorter than the transfer");
    kn_vstr_t v;
    kn_vstr_init(&v, (size_t)len + 1);
    char *dst = kn_vstr_extend(&v, (size_t)len);
    if (len > 0) rp2_check(rp2_spi_transfer(s, d, (uint8_t *)dst, (size_t)len, 100000u));
    return kn_vstr_to_bytes(&v);
}
static KN_FUN3(m_spi_xfer_obj, m_spi_xfer);

/* ---- ADC ---- */
static kn_obj m_adc_read(kn_obj channel) {
    kn_int_t ch = kn_get_int(channel);
    if (ch < 0 || ch > (kn_int_t)RP2_ADC_TEMP_CHANNEL) kn_raise_fmt(&kn_type_ValueError, "invalid ADC channel: %d", (int)ch);
    rp2_check(rp2_adc_init());
    if (ch < (kn_int_t)RP2_ADC_TEMP_CHANNEL) rp2_check(rp2_adc_init_pin(RP2_ADC_FIRST_PIN + (uint32_t)ch));
    uint16_t raw = 0;
    rp2_check(rp2_adc_read((uint32_t)ch, &raw));
    return KN_MKSMALL(raw);
}
static KN_FUN1(m_adc_read_obj, m_adc_read);

/* ---- PWM ---- */
static kn_obj m_pwm_init(kn_obj pin, kn_obj freq, kn_obj duty) {
    uint32_t p = pin_of(pin);
    kn_int_t f = kn_get_int(freq), d = kn_get_int(duty);
    if (d < 0 || d > 65535) kn_raise_fmt(&kn_type_ValueError, "duty_u16 %d out of range (0..65535)", (int)d);
    if (f <= 0 || rp2_pwm_init(p, (uint32_t)f, (uint32_t)d) != RP2_OK)
        kn_raise_fmt(&kn_type_ValueError, "freq %d out of range (8..%d Hz)", (int)f, (int)(hal_cpu_hz() / 2u));
    return kn_int_from_ull(rp2_pwm_freq(RP2_PWM_SLICE_OF(p)));
}
static KN_FUN3(m_pwm_init_obj, m_pwm_init);

/* _pwm_freq(pin, hz) -> actual Hz (the slice's two channels share it) */
static kn_obj m_pwm_freq(kn_obj pin, kn_obj freq) {
    uint32_t p = pin_of(pin);
    kn_int_t f = kn_get_int(freq);
    if (f <= 0 || rp2_pwm_set_freq(RP2_PWM_SLICE_OF(p), (uint32_t)f) != RP2_OK)
        kn_raise_fmt(&kn_type_ValueError, "freq %d out of range (8..%d Hz)", (int)f, (int)(hal_cpu_hz() / 2u));
    return kn_int_from_ull(rp2_pwm_freq(RP2_PWM_SLICE_OF(p)));
}
static KN_FUN2(m_pwm_freq_obj, m_pwm_freq);

static kn_obj m_pwm_duty(kn_obj pin, kn_obj duty) {
    uint32_t p = pin_of(pin);
    kn_int_t d = kn_get_int(duty);
    if (d < 0 || d > 65535) kn_raise_fmt(&kn_type_ValueError, "duty_u16 %d out of range (0..65535)", (int)d);
    rp2_check(rp2_pwm_set_duty_u16(p, (uint32_t)d));
    return kn_none;
}
static KN_FUN2(m_pwm_duty_obj, m_pwm_duty);

static kn_obj m_pwm_deinit(kn_obj pin) {
    rp2_pwm_deinit(pin_of(pin));
    return kn_none;
}
static KN_FUN1(m_pwm_deinit_obj, m_pwm_deinit);

/* ---- Timer: one TIMER alarm per running Timer; periodic ones re-arm from the interrupt ---- */
static void timer_irq(uint32_t alarm, void *arg) {
    (void)arg;
    pending_timer |= 1u << alarm;
    if (timer_count[alarm] != 0xffffu) timer_count[alarm]++;
    uint32_t period = timers[alarm].period_us;
    if (period != 0u) {
        uint32_t now = hal_ticks_us();
        uint32_t target = timers[alarm].target + period;
        while ((int32_t)(target - now) <= 0) target += period; /* skip periods missed, no interrupt storm */
        timers[alarm].target = target;
        rp2_alarm_set_at(alarm, target, timer_irq, NULL);
    }
}

/* Shorter periods would leave the interpreter no time between interrupts. */
#define TIMER_MIN_US 100

/* _timer_start(period_us, periodic) -> alarm number */
static kn_obj m_timer_start(kn_obj period, kn_obj periodic) {
    long long us = kn_get_ll(period);
    if (us < TIMER_MIN_US || us > 0x7fffffffLL)
        kn_raise_fmt(&kn_type_ValueError, "Timer period out of range (%d us .. 35 minutes)", (int)TIMER_MIN_US);
    int alarm = rp2_alarm_claim();
    if (alarm < 0) kn_raise_msg(&kn_type_OSError, "all 4 hardware alarms are in use");
    timers_claimed |= 1u << alarm;
    timers[alarm].period_us = kn_truthy(periodic) ? (uint32_t)us : 0u;
    timers[alarm].target = hal_ticks_us() + (uint32_t)us;
    rp2_check(rp2_alarm_set_at((uint32_t)alarm, timers[alarm].target, timer_irq, NULL));
    return KN_MKSMALL(alarm);
}
static KN_FUN2(m_timer_start_obj, m_timer_start);

static kn_obj m_timer_stop(kn_obj alarm) {
    kn_int_t a = kn_get_int(alarm);
    if (a >= 0 && a < (kn_int_t)RP2_ALARM_COUNT && (timers_claimed & (1u << a))) {
        timers[a].period_us = 0;
        rp2_alarm_release((uint32_t)a);
        timers_claimed &= ~(1u << a);
        pending_timer &= ~(1u << a);
        timer_count[a] = 0;
    }
    return kn_none;
}
static KN_FUN1(m_timer_stop_obj, m_timer_stop);

/* ---- WDT ---- */
static kn_obj m_wdt_start(kn_obj ms) {
    kn_int_t t = kn_get_int(ms);
    if (t < 1 || t > (kn_int_t)RP2_WDT_MAX_MS)
        kn_raise_fmt(&kn_type_ValueError, "timeout %d out of range (1..%d ms)", (int)t, (int)RP2_WDT_MAX_MS);
    rp2_check(rp2_wdt_enable((uint32_t)t));
    return kn_none;
}
static KN_FUN1(m_wdt_start_obj, m_wdt_start);

static kn_obj m_wdt_feed(void) {
    rp2_wdt_feed();
    return kn_none;
}
static KN_FUN0(m_wdt_feed_obj, m_wdt_feed);

static const kn_method_t machine_table[] = {
    {KN_Q(freq), KN_OBJ(&m_freq_obj)},
    {KN_Q(unique_id), KN_OBJ(&m_unique_id_obj)},
    {KN_Q(reset), KN_OBJ(&m_reset_obj)},
    {KN_Q(bootloader), KN_OBJ(&m_bootloader_obj)},
    {KN_Q(idle), KN_OBJ(&m_idle_obj)},
    {KN_Q(reset_cause), KN_OBJ(&m_reset_cause_obj)},
    {KN_Q(_irq_init), KN_OBJ(&m_irq_init_obj)},
    {KN_Q(_irq_take), KN_OBJ(&m_irq_take_obj)},
    {KN_Q(_mem_get), KN_OBJ(&m_mem_get_obj)},
    {KN_Q(_mem_set), KN_OBJ(&m_mem_set_obj)},
    {KN_Q(_pin_cfg), KN_OBJ(&m_pin_cfg_obj)},
    {KN_Q(_pin_write), KN_OBJ(&m_pin_write_obj)},
    {KN_Q(_pin_read), KN_OBJ(&m_pin_read_obj)},
    {KN_Q(_pin_mode), KN_OBJ(&m_pin_mode_obj)},
    {KN_Q(_pin_toggle), KN_OBJ(&m_pin_toggle_obj)},
    {KN_Q(_pin_irq), KN_OBJ(&m_pin_irq_obj)},
    {KN_Q(_pin_flags), KN_OBJ(&m_pin_flags_obj)},
    {KN_Q(_board_pins), KN_OBJ(&m_board_pins_obj)},
    {KN_Q(_uart_init), KN_OBJ(&m_uart_init_obj)},
    {KN_Q(_uart_deinit), KN_OBJ(&m_uart_deinit_obj)},
    {KN_Q(_uart_write), KN_OBJ(&m_uart_write_obj)},
    {KN_Q(_uart_read), KN_OBJ(&m_uart_read_obj)},
    {KN_Q(_uart_any), KN_OBJ(&m_uart_any_obj)},
    {KN_Q(_i2c_init), KN_OBJ(&m_i2c_init_obj)},
    {KN_Q(_i2c_write), KN_OBJ(&m_i2c_write_obj)},
    {KN_Q(_i2c_read), KN_OBJ(&m_i2c_read_obj)},
    {KN_Q(_i2c_scan), KN_OBJ(&m_i2c_scan_obj)},
    {KN_Q(_spi_init), KN_OBJ(&m_spi_init_obj)},
    {KN_Q(_spi_xfer), KN_OBJ(&m_spi_xfer_obj)},
    {KN_Q(_adc_read), KN_OBJ(&m_adc_read_obj)},
    {KN_Q(_pwm_init), KN_OBJ(&m_pwm_init_obj)},
    {KN_Q(_pwm_deinit), KN_OBJ(&m_pwm_deinit_obj)},
    {KN_Q(_pwm_freq), KN_OBJ(&m_pwm_freq_obj)},
    {KN_Q(_pwm_duty), KN_OBJ(&m_pwm_duty_obj)},
    {KN_Q(_timer_start), KN_OBJ(&m_timer_start_obj)},
    {KN_Q(_timer_stop), KN_OBJ(&m_timer_stop_obj)},
    {KN_Q(_wdt_start), KN_OBJ(&m_wdt_start_obj)},
    {KN_Q(_wdt_feed), KN_OBJ(&m_wdt_feed_obj)},
    {KN_Q(PWRON_RESET), KN_MKSMALL(1)},
    {KN_Q(HARD_RESET), KN_MKSMALL(2)},
    {KN_Q(WDT_RESET), KN_MKSMALL(3)},
    {KN_Q(DEEPSLEEP_RESET), KN_MKSMALL(4)},
    {KN_Q(SOFT_RESET), KN_MKSMALL(5)},
};

kn_obj kn_mod_machine_init(void) {
    return kn_module_from_table(KN_Q(_machine), machine_table, sizeof machine_table / sizeof machine_table[0]);
}

static const kn_native_module_t port_modules[] = {
    {KN_Q(_machine), kn_mod_machine_init},
    {KN_Q(_os), kn_mod_os_init},
    {KN_Q(rp2), kn_mod_rp2_init},
};

const kn_native_module_t *kn_port_modules(size_t *n) {
    *n = sizeof port_modules / sizeof port_modules[0];
    return port_modules;
}
