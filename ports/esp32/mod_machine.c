/* mod_machine.c: the ESP32-C3/C6 `machine` module: chip functions, mem32 and Pin (natives + Python compiled on
   import), interrupt events handed to micropython.schedule, and the port's native-module table. The peripheral
   classes (Timer, WDT; on the C3 also I2C, SPI, ADC, PWM) come from mod_machine_c3.c. */
#include <errno.h>
#include <string.h>

#include "board_config.h"
#include "esp32_hal.h"
#include "esp_gpio.h"
#include "esp_machine.h"
#include "esp_uart.h"
#include "hal.h"
#include "pins.h"
#include "soc_regs.h"
#include "esp_system.h"
#include "state.h"
#if defined(KILN_FAMILY_ESP32C3)
#include "esp_clock.h"
#endif

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);
kn_obj kn_mod_os_init(void);

/* Interrupt events waiting for the interpreter: bit n = GPIOn's irq, bit 24 + id = Timer(id) (C3).
   Set by interrupt handlers, taken by esp32_machine_poll(); the module is the one whose `_dispatch`
   runs them (KN_NULL before `import machine` and after every soft reset). */
volatile uint32_t esp32_machine_events;
volatile uint32_t esp32_timers_live;
static kn_obj machine_module = KN_NULL;
static uint8_t level_trigger[GPIO_PIN_COUNT]; /* level-triggered irqs disarm themselves until dispatched */

/* Raises OSError(errno) for a negative driver result. */
void esp32_check(int r) {
    if (r < 0) {
        kn_obj e = KN_MKSMALL(-r);
        kn_raise(kn_exc_new(&kn_type_OSError, 1, &e));
    }
}

void esp32_machine_soft_reset(void) {
    esp32_machine_c3_soft_reset();
    for (unsigned pin = 0; pin < GPIO_PIN_COUNT; pin++) {
        if (esp_gpio_check(pin) == 0) (void)esp_gpio_irq(pin, ESP_GPIO_IRQ_NONE, NULL, NULL);
        level_trigger[pin] = 0;
    }
    esp_gpio_init();
    esp32_machine_events = 0;
    esp32_timers_live = 0;
    machine_module = KN_NULL;
}

/* From hal_stdin_poll(), which the VM calls between bytecodes: queues `_dispatch(bits)` with
   micropython.schedule's queue, so handlers run as Python code at a safe point. */
void esp32_machine_poll(void) {
    if (esp32_machine_events == 0u || machine_module == KN_NULL || kn_st.gc_lock > 0 || kn_st.sched_queue == KN_NULL) return;
    if (((kn_list_t *)KN_PTR(kn_st.sched_queue))->len >= 16) return; /* full: try again at the next poll */
    kn_obj fn = kn_dict_get_q(((kn_module_t *)KN_PTR(machine_module))->globals, KN_Q(_dispatch));
    if (fn == KN_NULL) return;
    uint32_t saved = esp32_irq_save();
    uint32_t taken = esp32_machine_events;
    esp32_machine_events = 0;
    esp32_irq_restore(saved);
    kn_list_append(kn_st.sched_queue, fn);
    kn_list_append(kn_st.sched_queue, kn_int_from_ull(taken));
}

/* The core's interrupt-check hook (state.h), where the core has one; hal_stdin_poll() calls the same. */
void kn_port_poll(void) {
    esp32_machine_poll();
}

static kn_obj m_freq(size_t n, const kn_obj *a) {
    if (n == 0) return kn_int_from_ull(hal_cpu_hz());
    kn_int_t hz = kn_get_int(a[0]);
    if (hz <= 0) kn_raise_value("freq must be positive");
#if defined(KILN_FAMILY_ESP32C3)
    int r = esp_freq_set((uint32_t)hz);
    if (r == -EINVAL) kn_raise_fmt(&kn_type_ValueError, "freq %d Hz is not possible: 160 or 80 MHz, or 40 MHz / n", (int)hz);
    if (r == -ENODEV) kn_raise_value("freq: the PLL did not run at boot; only XTAL-derived rates");
    esp32_check(r);
#else
    if ((uint32_t)hz != hal_cpu_hz()) kn_raise_value("freq: the ESP32-C6 port cannot switch the CPU clock yet");
#endif
    return kn_none;
}
static KN_FUNV(m_freq_obj, 0, 1, m_freq);

/* The factory base MAC from eFuse BLOCK1, first byte first (as esptool prints it). */
static kn_obj m_unique_id(void) {
    uint32_t low = EFUSE_RD_MAC_SPI_SYS_0, high = EFUSE_RD_MAC_SPI_SYS_1;
    uint8_t mac[6] = {(uint8_t)(high >> 8), (uint8_t)high, (uint8_t)(low >> 24), (uint8_t)(low >> 16),
                      (uint8_t)(low >> 8), (uint8_t)low};
    return kn_bytes_new((const char *)mac, sizeof mac);
}
static KN_FUN0(m_unique_id_obj, m_unique_id);

static kn_obj m_reset(void) {
    hal_reset();
}
static KN_FUN0(m_reset_obj, m_reset);

/* The ROM's serial downloader: its force-download option, then a system reset. */
static kn_obj m_bootloader(void) {
    esp_enter_bootloader();
}
static KN_FUN0(m_bootloader_obj, m_bootloader);

static kn_obj m_reset_cause(void) {
    return KN_MKSMALL(esp_reset_cause());
}
static KN_FUN0(m_reset_cause_obj, m_reset_cause);

/* wfi only while something is armed that will interrupt soon (a Timer); otherwise a 1 ms pause, which is
   what the RTOS tick bounds machine.idle() to elsewhere (the console's RX interrupt alone could wait forever). */
static kn_obj m_idle(void) {
    uint32_t saved = esp32_irq_save();
    if (esp32_machine_events == 0u && esp32_timers_live != 0u) {
        __asm__ volatile("wfi");
        esp32_irq_restore(saved);
        return kn_none;
    }
    esp32_irq_restore(saved);
    hal_delay_us(1000);
    return kn_none;
}
static KN_FUN0(m_idle_obj, m_idle);

static kn_obj m_disable_irq(void) {
    return KN_MKSMALL(esp32_irq_save());
}
static KN_FUN0(m_disable_irq_obj, m_disable_irq);

static kn_obj m_enable_irq(kn_obj state) {
    esp32_irq_restore(kn_truthy(state) ? 8u : 0u);
    return kn_none;
}
static KN_FUN1(m_enable_irq_obj, m_enable_irq);

/* mem32: word access to the peripheral space, SRAM and the flash windows; anything else is a ValueError
   (an unmapped address would be a CPU fault, not an exception). */
static uint32_t mem_addr(kn_obj addr, bool write) {
    long long a = kn_get_ll(addr);
    if (a < 0 || a > 0xFFFFFFFFll || (a & 3) != 0) kn_raise_fmt(&kn_type_ValueError, "mem32 address 0x%x must be word-aligned", (unsigned)a);
    uint32_t u = (uint32_t)a;
    bool periph = u >= 0x60000000u && u < 0x600D0000u;
    bool sram = (u >= SRAM_DRAM_START && u < SRAM_DRAM_END) || (u >= SRAM_IRAM_START && u < SRAM_IRAM_END);
    bool flash = !write && ((u >= DROM_BASE && u < DROM_BASE + EXTMEM_WINDOW_SIZE) ||
                            (u >= IROM_BASE && u < IROM_BASE + EXTMEM_WINDOW_SIZE));
    if (flash) {
        int32_t page = soc_mmu_page(soc_mmu_entry_of(u));
        if (page < 0) flash = false;
    }
    if (!periph && !sram && !flash) kn_raise_fmt(&kn_type_ValueError, "mem32 address 0x%x is not mapped", (unsigned)u);
    return u;
}

static kn_obj m_mem_read(kn_obj addr) {
    return kn_int_from_ull(REG32(mem_addr(addr, false)));
}
static KN_FUN1(m_mem_read_obj, m_mem_read);

static kn_obj m_mem_write(kn_obj addr, kn_obj value) {
    uint32_t a = mem_addr(addr, true);
    REG32(a) = (uint32_t)(kn_get_ll(value) & 0xFFFFFFFFll);
    return kn_none;
}
static KN_FUN2(m_mem_write_obj, m_mem_write);

/* ---- Pin ---- */

unsigned esp32_pin_of(kn_obj code) {
    kn_int_t c = kn_get_int(code);
    if (c < 0 || c >= (kn_int_t)GPIO_PIN_COUNT) kn_raise_fmt(&kn_type_ValueError, "invalid pin: GPIO%d does not exist", (int)c);
    if (esp_gpio_check((unsigned)c) != 0) kn_raise_fmt(&kn_type_ValueError, "invalid pin: GPIO%d drives the SPI flash", (int)c);
    return (unsigned)c;
}

static kn_obj m_pin_check(kn_obj code) {
    return KN_MKSMALL(esp32_pin_of(code));
}
static KN_FUN1(m_pin_check_obj, m_pin_check);

/* _pin_cfg(pin, mode, pull, value): mode ESP_GPIO_*; value -1 keeps the output latch (set before the
   output is enabled, so the pad never glitches). */
static kn_obj m_pin_cfg(size_t n, const kn_obj *a) {
    (void)n;
    unsigned pin = esp32_pin_of(a[0]);
    kn_int_t value = kn_get_int(a[3]);
    if (value >= 0) esp32_check(esp_gpio_write(pin, value != 0));
    esp32_check(esp_gpio_config(pin, (int)kn_get_int(a[1]), (int)kn_get_int(a[2])));
    return kn_none;
}
static KN_FUNV(m_pin_cfg_obj, 4, 4, m_pin_cfg);

static kn_obj m_pin_write(kn_obj code, kn_obj v) {
    esp32_check(esp_gpio_write(esp32_pin_of(code), kn_truthy(v)));
    return kn_none;
}
static KN_FUN2(m_pin_write_obj, m_pin_write);

static kn_obj m_pin_read(kn_obj code) {
    int r = esp_gpio_read(esp32_pin_of(code));
    esp32_check(r);
    return KN_MKSMALL(r);
}
static KN_FUN1(m_pin_read_obj, m_pin_read);

static void pin_event(unsigned pin, void *arg) {
    (void)arg;
    esp32_machine_events |= 1u << pin;
    if (level_trigger[pin]) (void)esp_gpio_irq(pin, ESP_GPIO_IRQ_NONE, NULL, NULL);
}

/* _pin_irq(pin, trigger): trigger 0 switches the interrupt off */
static kn_obj m_pin_irq(kn_obj code, kn_obj trigger) {
    unsigned pin = esp32_pin_of(code);
    kn_int_t t = kn_get_int(trigger);
    if (t < ESP_GPIO_IRQ_NONE || t > ESP_GPIO_IRQ_HIGH) kn_raise_fmt(&kn_type_ValueError, "invalid trigger: %d", (int)t);
    level_trigger[pin] = t >= ESP_GPIO_IRQ_LOW;
    esp32_check(esp_gpio_irq(pin, (int)t, t == ESP_GPIO_IRQ_NONE ? NULL : pin_event, NULL));
    return kn_none;
}
static KN_FUN2(m_pin_irq_obj, m_pin_irq);

/* ((name, gpio), ...) from the board file. */
static kn_obj m_board_pins(void) {
    kn_obj list = kn_list_new(0, NULL);
    for (size_t i = 0; i < KILN_BOARD_PIN_COUNT; i++) {
        kn_obj t[2] = {kn_str_new_c(kiln_board_pins[i].name), KN_MKSMALL(kiln_board_pins[i].code)};
        kn_list_append(list, kn_tuple_new(2, t));
    }
    return list;
}
static KN_FUN0(m_board_pins_obj, m_board_pins);

/* ---- UART1 (UART0 is the console) ---- */

static unsigned uart_of(kn_obj id) {
    kn_int_t i = kn_get_int(id);
    if (i == 0) kn_raise_value("UART(0) is the REPL console; use UART(1)");
    if (i != 1) kn_raise_fmt(&kn_type_ValueError, "UART(%d) does not exist", (int)i);
    return 1u;
}

/* _uart_init(id, baud, tx, rx) -> actual baud */
static kn_obj m_uart_init(size_t n, const kn_obj *a) {
    (void)n;
    unsigned id = uart_of(a[0]);
    kn_int_t baud = kn_get_int(a[1]);
    if (baud < 300 || baud > 5000000) kn_raise_fmt(&kn_type_ValueError, "baudrate %d out of range (300..5000000)", (int)baud);
    unsigned tx = esp32_pin_of(a[2]), rx = esp32_pin_of(a[3]);
    esp32_check(esp_uart_init(id, (uint32_t)baud, (int)tx, (int)rx));
    return kn_int_from_ull(esp_uart_baud(id));
}
static KN_FUNV(m_uart_init_obj, 4, 4, m_uart_init);

static kn_obj m_uart_write(kn_obj id, kn_obj data) {
    const uint8_t *d;
    size_t len;
    unsigned u = uart_of(id);
    if (!kn_get_buffer(data, &d, &len)) kn_raise_type("a bytes-like object is required");
    if (len == 0) return KN_MKSMALL(0);
    int r = esp_uart_write(u, d, len, 100);
    esp32_check(r);
    return KN_MKSMALL(r);
}
static KN_FUN2(m_uart_write_obj, m_uart_write);

/* _uart_read(id, n, timeout_ms): up to n bytes (n < 0: what is there), waiting up to timeout_ms for each */
static kn_obj m_uart_read(kn_obj id, kn_obj nbytes, kn_obj timeout) {
    unsigned u = uart_of(id);
    kn_int_t want = kn_get_int(nbytes);
    kn_int_t t = kn_get_int(timeout);
    if (t < 0) t = 0;
    kn_vstr_t v;
    kn_vstr_init(&v, want > 0 ? (size_t)want + 1 : 16);
    for (;;) {
        size_t step = want >= 0 ? (size_t)want - v.len : 1u;
        if (want < 0 && esp_uart_rx_waiting(u) == 0u && t == 0) break;
        if (step == 0) break;
        char *dst = kn_vstr_extend(&v, step);
        int got = esp_uart_read(u, (uint8_t *)dst, step, (uint32_t)t);
        v.len -= step - (got > 0 ? (size_t)got : 0u);
        if (got <= 0) break;
        kn_check_interrupt();
    }
    return kn_vstr_to_bytes(&v);
}
static KN_FUN3(m_uart_read_obj, m_uart_read);

static kn_obj m_uart_any(kn_obj id) {
    return KN_MKSMALL(esp_uart_rx_waiting(uart_of(id)));
}
static KN_FUN1(m_uart_any_obj, m_uart_any);

static const kn_method_t machine_table[] = {
    {KN_Q(freq), KN_OBJ(&m_freq_obj)},
    {KN_Q(unique_id), KN_OBJ(&m_unique_id_obj)},
    {KN_Q(reset), KN_OBJ(&m_reset_obj)},
    {KN_Q(soft_reset), KN_OBJ(&m_reset_obj)},
    {KN_Q(bootloader), KN_OBJ(&m_bootloader_obj)},
    {KN_Q(reset_cause), KN_OBJ(&m_reset_cause_obj)},
    {KN_Q(idle), KN_OBJ(&m_idle_obj)},
    {KN_Q(disable_irq), KN_OBJ(&m_disable_irq_obj)},
    {KN_Q(enable_irq), KN_OBJ(&m_enable_irq_obj)},
    {KN_Q(_mem_read), KN_OBJ(&m_mem_read_obj)},
    {KN_Q(_mem_write), KN_OBJ(&m_mem_write_obj)},
    {KN_Q(_pin_check), KN_OBJ(&m_pin_check_obj)},
    {KN_Q(_pin_cfg), KN_OBJ(&m_pin_cfg_obj)},
    {KN_Q(_pin_write), KN_OBJ(&m_pin_write_obj)},
    {KN_Q(_pin_read), KN_OBJ(&m_pin_read_obj)},
    {KN_Q(_pin_irq), KN_OBJ(&m_pin_irq_obj)},
    {KN_Q(_board_pins), KN_OBJ(&m_board_pins_obj)},
    {KN_Q(_uart_init), KN_OBJ(&m_uart_init_obj)},
    {KN_Q(_uart_write), KN_OBJ(&m_uart_write_obj)},
    {KN_Q(_uart_read), KN_OBJ(&m_uart_read_obj)},
    {KN_Q(_uart_any), KN_OBJ(&m_uart_any_obj)},
    {KN_Q(PWRON_RESET), KN_MKSMALL(ESP_RESET_PWRON)},
    {KN_Q(HARD_RESET), KN_MKSMALL(ESP_RESET_HARD)},
    {KN_Q(WDT_RESET), KN_MKSMALL(ESP_RESET_WDT)},
    {KN_Q(DEEPSLEEP_RESET), KN_MKSMALL(ESP_RESET_DEEPSLEEP)},
    {KN_Q(SOFT_RESET), KN_MKSMALL(ESP_RESET_SOFT)},
};

/* Pins by number, "GPIOn" or board name; modes, pulls and triggers use MicroPython's esp32 values. */
static const char machine_src_pin[] =
    "_names = {}\n"
    "for _n, _c in _board_pins():\n"
    "    _names[_n] = _c\n"
    "_handlers = {}\n"
    "_pin_state = {}\n"
    "def _dispatch(bits):\n"
    "    for b, h in list(_handlers.items()):\n"
    "        if bits >> b & 1:\n"
    "            if h[0] is not None:\n"
    "                try:\n"
    "                    h[0](h[1])\n"
    "                except Exception as e:\n"
    "                    import sys\n"
    "                    print('Uncaught exception in callback handler')\n"
    "                    sys.print_exception(e)\n"
    "            if len(h) > 2 and _handlers.get(b) is h:\n"
    "                _pin_irq(b, h[2])\n"
    "class Pin:\n"
    "    IN = 1\n"
    "    OUT = 3\n"
    "    OPEN_DRAIN = 7\n"
    "    PULL_DOWN = 1\n"
    "    PULL_UP = 2\n"
    "    IRQ_RISING = 1\n"
    "    IRQ_FALLING = 2\n"
    "    IRQ_LOW_LEVEL = 4\n"
    "    IRQ_HIGH_LEVEL = 5\n"
    "    board = None\n"
    "    def __init__(self, id, mode=-1, pull=-1, value=None):\n"
    "        if isinstance(id, Pin):\n"
    "            code = id._id\n"
    "        elif isinstance(id, str):\n"
    "            code = _names.get(id)\n"
    "            if code is None and id[:4] == 'GPIO' and id[4:].isdigit():\n"
    "                code = int(id[4:])\n"
    "            if code is None:\n"
    "                raise ValueError('invalid pin: %r' % (id,))\n"
    "        elif isinstance(id, int):\n"
    "            code = id\n"
    "        else:\n"
    "            raise TypeError('Pin id must be an int or a str')\n"
    "        self._id = _pin_check(code)\n"
    "        if mode != -1 or pull != -1 or value is not None:\n"
    "            self.init(mode, pull, value)\n"
    "    def init(self, mode=-1, pull=-1, value=None):\n"
    "        m, p = _pin_state.get(self._id, (Pin.IN, None))\n"
    "        if mode != -1:\n"
    "            m = mode\n"
    "        if pull != -1:\n"
    "            p = pull\n"
    "        drv = {1: 0, 3: 1, 7: 2}.get(m)\n"
    "        if drv is None:\n"
    "            raise ValueError('invalid mode: %r' % (m,))\n"
    "        pl = {None: 0, 0: 0, 2: 1, 1: 2}.get(p, -1)\n"
    "        if pl < 0:\n"
    "            raise ValueError('invalid pull: %r' % (p,))\n"
    "        _pin_cfg(self._id, drv, pl, -1 if value is None else (1 if value else 0))\n"
    "        _pin_state[self._id] = (m, p)\n"
    "    def __call__(self, v=None):\n"
    "        return self.value(v)\n"
    "    def value(self, v=None):\n"
    "        if v is None:\n"
    "            return _pin_read(self._id)\n"
    "        _pin_write(self._id, v)\n"
    "    def on(self):\n"
    "        _pin_write(self._id, 1)\n"
    "    def off(self):\n"
    "        _pin_write(self._id, 0)\n"
    "    high = on\n"
    "    low = off\n"
    "    def toggle(self):\n"
    "        _pin_write(self._id, not _pin_read(self._id))\n"
    "    def mode(self, m=None):\n"
    "        if m is None:\n"
    "            return _pin_state.get(self._id, (Pin.IN, None))[0]\n"
    "        self.init(m)\n"
    "    def pull(self, p=-1):\n"
    "        if p == -1:\n"
    "            return _pin_state.get(self._id, (Pin.IN, None))[1]\n"
    "        self.init(-1, p)\n"
    "    def irq(self, handler=None, trigger=3, hard=False):\n"
    "        if trigger not in (1, 2, 3, 4, 5):\n"
    "            raise ValueError('invalid trigger: %r' % (trigger,))\n"
    "        if handler is None:\n"
    "            _handlers.pop(self._id, None)\n"
    "            _pin_irq(self._id, 0)\n"
    "            return None\n"
    "        if not callable(handler):\n"
    "            raise TypeError('handler must be callable')\n"
    "        _handlers[self._id] = (handler, self, trigger) if trigger >= 4 else (handler, self)\n"
    "        _pin_irq(self._id, trigger)\n"
    "    def __eq__(self, other):\n"
    "        return isinstance(other, Pin) and other._id == self._id\n"
    "    def __hash__(self):\n"
    "        return self._id\n"
    "    def __repr__(self):\n"
    "        return 'Pin(%d)' % self._id\n"
    "class _Board:\n"
    "    pass\n"
    "Pin.board = _Board()\n"
    "for _n in _names:\n"
    "    try:\n"
    "        setattr(Pin.board, _n, Pin(_names[_n]))\n"
    "    except ValueError:\n"
    "        pass\n"
    "def _code(p, what):\n"
    "    if p is None:\n"
    "        raise ValueError('%s= pin is required' % what)\n"
    "    return (p if isinstance(p, Pin) else Pin(p))._id\n"
    "class _Mem32:\n"
    "    def __getitem__(self, addr):\n"
    "        return _mem_read(addr)\n"
    "    def __setitem__(self, addr, value):\n"
    "        _mem_write(addr, value)\n"
    "mem32 = _Mem32()\n";


static const char machine_src_uart[] =
    "class UART:\n"
    "    def __init__(self, id, baudrate=115200, bits=8, parity=None, stop=1, tx=None, rx=None, timeout=0, **kw):\n"
    "        if id != 1:\n"
    "            raise ValueError('UART(%r): only UART(1) (UART(0) is the REPL console)' % (id,))\n"
    "        self._id = id\n"
    "        self.init(baudrate, bits, parity, stop, tx, rx, timeout)\n"
    "    def init(self, baudrate=115200, bits=8, parity=None, stop=1, tx=None, rx=None, timeout=0, **kw):\n"
    "        if bits != 8:\n"
    "            raise ValueError('bits: only 8 data bits')\n"
    "        if parity is not None:\n"
    "            raise ValueError('parity: only None')\n"
    "        if stop != 1:\n"
    "            raise ValueError('stop: only 1 stop bit')\n"
    "        if not isinstance(timeout, int) or timeout < 0:\n"
    "            raise ValueError('timeout must be a non-negative number of ms')\n"
    "        self._tx = _code(tx, 'tx')\n"
    "        self._rx = _code(rx, 'rx')\n"
    "        self.timeout = timeout\n"
    "        self.baudrate = _uart_init(self._id, baudrate, self._tx, self._rx)\n"
    "    def deinit(self):\n"
    "        pass\n"
    "    def write(self, buf):\n"
    "        return _uart_write(self._id, buf)\n"
    "    def read(self, n=-1):\n"
    "        b = _uart_read(self._id, -1 if n is None else n, self.timeout)\n"
    "        return b if b else None\n"
    "    def readinto(self, buf, n=None):\n"
    "        b = _uart_read(self._id, len(buf) if n is None else n, self.timeout)\n"
    "        buf[:len(b)] = b\n"
    "        return len(b) if b else None\n"
    "    def readline(self):\n"
    "        out = b''\n"
    "        while True:\n"
    "            c = _uart_read(self._id, 1, self.timeout)\n"
    "            out += c\n"
    "            if not c or c == b'\\n':\n"
    "                return out if out else None\n"
    "    def any(self):\n"
    "        return _uart_any(self._id)\n"
    "    def ioctl(self, req, arg):\n"
    "        return (arg & 4) | (1 if arg & 1 and _uart_any(self._id) else 0) if req == 3 else -1\n"
    "    def flush(self):\n"
    "        pass\n"
    "    def __repr__(self):\n"
    "        return 'UART(%d, baudrate=%d, bits=8, parity=None, stop=1, tx=%d, rx=%d)' % (self._id, self.baudrate, self._tx, self._rx)\n";

kn_obj kn_mod_machine_init(void) {
    kn_obj m = kn_module_from_table(KN_Q(machine), machine_table, sizeof machine_table / sizeof machine_table[0]);
    kn_obj g = ((kn_module_t *)KN_PTR(m))->globals;
    static const char *const parts[] = {machine_src_pin, machine_src_uart};
    for (size_t i = 0; i < sizeof parts / sizeof parts[0]; i++) {
        kn_gc_collect(); /* the compiler needs room for a whole unit's parse tree */
        kn_obj code = kn_compile_src(parts[i], strlen(parts[i]), KN_Q(machine), KN_MODE_FILE);
        kn_exec_code(code, g, g);
    }
    esp32_machine_c3_add(g);
    machine_module = m;
    return m;
}

static const kn_native_module_t port_modules[] = {
    {KN_Q(machine), kn_mod_machine_init},
    {KN_Q(_os), kn_mod_os_init},
};

const kn_native_module_t *kn_port_modules(size_t *n) {
    *n = sizeof port_modules / sizeof port_modules[0];
    return port_modules;
}

