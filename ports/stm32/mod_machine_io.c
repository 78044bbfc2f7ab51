/* mod_machine_io.c: the stm32 port's native PWM, Timer, DAC, mem8/16/32, lightsleep/deepsleep (in `_machine`) and
   `_pyb` (LED, Switch) under the frozen modules/ (Python); interrupt events reach Python via micropython.schedule. */
#include <string.h>

#include "drivers/board_io.h"
#include "drivers/chip.h"
#include "drivers/dac.h"
#include "drivers/drv.h"
#include "drivers/pwm.h"
#include "drivers/tim.h"
#include "drivers/tim_pins.h"
#include "drivers/timer.h"
#include "hal.h"
#include "state.h"
#include "stm32_port.h"

kn_obj kn_module_from_table(kn_obj name, const kn_method_t *items, size_t n);
void stm32_check(int r);

/* ---- events: an interrupt handler counts, kn_port_poll (at the interpreter's next interrupt check) turns
   each count into a micropython.schedule entry (fn, arg). fn/arg stay referenced from Python (_live in
   modules/_machine_timer.py, _keep in modules/pyb.py), because the GC does not scan these statics. Slots 1..14 are TIM1..14, 15 the user switch,
   16..23 the SysTick-driven soft timers. ---- */
#define EV_SWITCH 15u
#define EV_SOFT 16u
#define SOFT_TIMERS 8u
#define EV_COUNT (EV_SOFT + SOFT_TIMERS)
#define SCHED_MAX 16u /* items in kn_st.sched_queue, as micropython.schedule allows */

typedef struct {
    volatile uint32_t pending;
    kn_obj fn;
    kn_obj arg;
} event_t;

static event_t events[EV_COUNT];

static uint32_t irq_off(void) {
    uint32_t primask;
    __asm volatile("mrs %0, primask\n cpsid i" : "=r"(primask)::"memory");
    return primask;
}

static void irq_restore(uint32_t primask) {
    __asm volatile("msr primask, %0" ::"r"(primask) : "memory");
}

void kn_port_poll(void) {
    if (kn_st.sched_queue == KN_NULL) return;
    for (uint32_t i = 0; i < EV_COUNT; i++) {
        event_t *ev = &events[i];
        while (ev->pending != 0u) {
            if (((kn_list_t *)KN_PTR(kn_st.sched_queue))->len + 2u > SCHED_MAX) return; /* full: next time */
            const uint32_t primask = irq_off();
            ev->pending--;
            irq_restore(primask);
            if (ev->fn == KN_NULL) continue;
            kn_list_append(kn_st.sched_queue, ev->fn);
            kn_list_append(kn_st.sched_queue, ev->arg);
        }
    }
}

/* ---- timers: one owner per TIMn (a PWM's channels or a Timer) ---- */
enum { OWNER_FREE = 0, OWNER_PWM = 1, OWNER_TIMER = 2 };
static uint8_t tim_owner[15];

#define PWM_SLOTS 8u
static stm32_pwm_t pwms[PWM_SLOTS];
static stm32_timer_t timers[15];
static bool timer_oneshot[15];

/* machine.Timer(-1): millisecond timers counted in the SysTick interrupt (like MicroPython's soft timers),
   so they leave every hardware timer to PWM and work wherever SysTick does (QEMU included). */
typedef struct {
    uint32_t period_ms;
    uint32_t next_ms;
    bool oneshot;
} soft_timer_t;
static soft_timer_t soft[SOFT_TIMERS];
static volatile uint32_t soft_active; /* bit n: soft timer n runs */

void stm32_soft_timers_tick(uint32_t now_ms) {
    uint32_t active = soft_active;
    while (active != 0u) {
        const uint32_t n = (uint32_t)__builtin_ctz(active);
        active &= active - 1u;
        if ((int32_t)(now_ms - soft[n].next_ms) < 0) continue;
        events[EV_SOFT + n].pending++;
        if (soft[n].oneshot) soft_active &= ~(1u << n);
        else soft[n].next_ms += soft[n].period_ms;
    }
}

void stm32_machine_io_soft_reset(void) {
    /* Stops what the last session started before the RCC resets (stm32_drivers_soft_reset) put the timers back
       to their reset state: a chip without that reset path (QEMU models no RCC) must not keep them running. */
    soft_active = 0u;
    for (uint32_t i = 0; i < 15u; i++)
        if (tim_owner[i] == OWNER_TIMER) stm32_timer_stop(&timers[i]);
    for (uint32_t i = 0; i < PWM_SLOTS; i++) stm32_pwm_deinit(&pwms[i]);
    memset(events, 0, sizeof events);
    memset(tim_owner, 0, sizeof tim_owner);
    memset(pwms, 0, sizeof pwms);
    memset(timers, 0, sizeof timers);
    memset(timer_oneshot, 0, sizeof timer_oneshot);
    memset(soft, 0, sizeof soft);
    for (uint32_t i = 0; i < EV_COUNT; i++) events[i].fn = events[i].arg = KN_NULL;
}

static uint32_t get_u32(kn_obj v, const char *what) {
    long long x = kn_get_ll(v);
    if (x < 0 || x > 0xFFFFFFFFll) kn_raise_fmt(&kn_type_ValueError, "%s out of range", what);
    return (uint32_t)x;
}

static stm32_pwm_t *pwm_at(kn_obj slot) {
    kn_int_t s = kn_get_int(slot);
    if (s < 0 || s >= (kn_int_t)PWM_SLOTS || !pwms[s].up) kn_raise_value("PWM is not initialised");
    return &pwms[s];
}

static void pwm_release_timer(uint32_t index) {
    for (uint32_t i = 0; i < PWM_SLOTS; i++)
        if (pwms[i].up && pwms[i].index == index) return;
    tim_owner[index] = OWNER_FREE;
}

/* _pwm_init(pin code, freq, duty_u16, invert) -> slot */
static kn_obj m_pwm_init(size_t n, const kn_obj *a) {
    (void)n;
    uint32_t code = (uint32_t)kn_get_int(a[0]);
    const stm32_tim_pin_t *row = stm32_tim_pin_lookup(code, 0);
    if (row == NULL)
        kn_raise_fmt(&kn_type_ValueError, "pin P%c%d has no timer channel for PWM", 'A' + (int)(code / 16u),
                     (int)(code % 16u));
    uint32_t freq = get_u32(a[1], "freq");
    kn_int_t duty = kn_get_int(a[2]);
    if (duty < 0 || duty > 0xFFFF) kn_raise_value("duty_u16 must be 0..65535");
    if (tim_owner[row->timer] == OWNER_TIMER)
        kn_raise_fmt(&kn_type_ValueError, "TIM%d is in use by a Timer", (int)row->timer);
    uint32_t slot = PWM_SLOTS;
    for (uint32_t i = 0; i < PWM_SLOTS; i++) {
        if (pwms[i].up && pwms[i].index == row->timer && pwms[i].channel == row->channel) {
            slot = i; /* the same channel again: re-initialise it */
            break;
        }
        if (!pwms[i].up && slot == PWM_SLOTS) slot = i;
    }
    if (slot == PWM_SLOTS) kn_raise_value("no free PWM slot (deinit() one)");
    int r = stm32_pwm_init(&pwms[slot], row->timer, row->channel, code, row->af, freq, (uint16_t)duty,
                           kn_truthy(a[3]));
    if (r == -STM32_EINVAL) {
        pwm_release_timer(row->timer);
        kn_raise_fmt(&kn_type_ValueError, "freq %u Hz is out of range for TIM%d", (unsigned)freq, (int)row->timer);
    }
    stm32_check(r);
    tim_owner[row->timer] = OWNER_PWM;
    return KN_MKSMALL(slot);
}
static KN_FUNV(m_pwm_init_obj, 4, 4, m_pwm_init);

static kn_obj m_pwm_deinit(kn_obj slot) {
    kn_int_t s = kn_get_int(slot);
    if (s >= 0 && s < (kn_int_t)PWM_SLOTS && pwms[s].up) {
        stm32_pwm_deinit(&pwms[s]);
        pwm_release_timer(pwms[s].index);
    }
    return kn_none;
}
static KN_FUN1(m_pwm_deinit_obj, m_pwm_deinit);

/* _pwm_freq(slot[, hz]) -> the frequency reached */
static kn_obj m_pwm_freq(size_t n, const kn_obj *a) {
    stm32_pwm_t *p = pwm_at(a[0]);
    if (n > 1) {
        uint32_t f = get_u32(a[1], "freq");
        if (stm32_pwm_set_freq(p, f) != STM32_OK)
            kn_raise_fmt(&kn_type_ValueError, "freq %u Hz is out of range for TIM%d", (unsigned)f, (int)p->index);
    }
    return kn_int_from_ull(p->freq_hz);
}
static KN_FUNV(m_pwm_freq_obj, 1, 2, m_pwm_freq);

static kn_obj m_pwm_duty_u16(size_t n, const kn_obj *a) {
    stm32_pwm_t *p = pwm_at(a[0]);
    if (n > 1) {
        kn_int_t d = kn_get_int(a[1]);
        if (d < 0 || d > 0xFFFF) kn_raise_value("duty_u16 must be 0..65535");
        stm32_check(stm32_pwm_set_duty(p, (uint16_t)d));
    }
    return KN_MKSMALL(stm32_pwm_duty_u16(p));
}
static KN_FUNV(m_pwm_duty_u16_obj, 1, 2, m_pwm_duty_u16);

static kn_obj m_pwm_duty_ns(size_t n, const kn_obj *a) {
    stm32_pwm_t *p = pwm_at(a[0]);
    if (n > 1) stm32_check(stm32_pwm_set_pulse_ns(p, get_u32(a[1], "duty_ns")));
    return kn_int_from_ull(stm32_pwm_pulse_ns(p));
}
static KN_FUNV(m_pwm_duty_ns_obj, 1, 2, m_pwm_duty_ns);

/* _pwm_where(slot) -> (timer, channel) */
static kn_obj m_pwm_where(kn_obj slot) {
    stm32_pwm_t *p = pwm_at(slot);
    kn_obj t[2] = {KN_MKSMALL(p->index), KN_MKSMALL(p->channel)};
    return kn_tuple_new(2, t);
}
static KN_FUN1(m_pwm_where_obj, m_pwm_where);

/* ---- Timer ---- */
static void timer_fired(void *arg) {
    uint32_t index = (uint32_t)(uintptr_t)arg;
    events[index].pending++;
    if (timer_oneshot[index]) stm32_timer_stop(&timers[index]);
}

static bool timer_usable(uint32_t index) {
    const stm32_tim_hw_t *hw = stm32_tim_hw(index);
    return hw != NULL && !hw->advanced;
}

static void event_bind(uint32_t ev, kn_obj fn, kn_obj arg) {
    events[ev].pending = 0u;
    events[ev].fn = fn == kn_none ? KN_NULL : fn;
    events[ev].arg = arg;
}

/* _timer_start(id, num, den, oneshot, callback, timer object) -> event slot (1..14: TIMn, 16..: soft timer);
   the period is num/den seconds. id -1: a soft timer (1 ms resolution), else hardware TIMid. */
static kn_obj m_timer_start(size_t n, const kn_obj *a) {
    (void)n;
    kn_int_t id = kn_get_int(a[0]);
    uint32_t num = get_u32(a[1], "period");
    uint32_t den = get_u32(a[2], "freq");
    if (num == 0u || den == 0u) kn_raise_value("period must be positive");
    bool oneshot = kn_truthy(a[3]);
    if (id == -1) {
        const uint64_t ms = ((uint64_t)num * 1000u + den / 2u) / den;
        if ((uint64_t)num * 1000u < den) kn_raise_value("Timer(-1) counts milliseconds: period under 1 ms (use a hardware Timer(id))");
        if (ms > 0x7FFFFFFFu) kn_raise_value("period too long");
        uint32_t slot = 0;
        while (slot < SOFT_TIMERS && (soft_active & (1u << slot)) != 0u) slot++;
        if (slot == SOFT_TIMERS) kn_raise_value("no free soft timer (deinit() one)");
        event_bind(EV_SOFT + slot, a[4], a[5]);
        soft[slot].period_ms = (uint32_t)ms;
        soft[slot].oneshot = oneshot;
        const uint32_t primask = irq_off();
        soft[slot].next_ms = hal_ticks_ms() + (uint32_t)ms;
        soft_active |= 1u << slot;
        irq_restore(primask);
        return KN_MKSMALL(EV_SOFT + slot);
    }
    if (id < 1 || id > 14 || !timer_usable((uint32_t)id))
        kn_raise_fmt(&kn_type_ValueError, "Timer(%d) does not exist", (int)id);
    uint32_t index = (uint32_t)id;
    if (tim_owner[index] == OWNER_PWM) kn_raise_fmt(&kn_type_ValueError, "TIM%d is in use by PWM", (int)id);
    if (tim_owner[index] == OWNER_TIMER) stm32_timer_stop(&timers[index]);
    tim_owner[index] = OWNER_FREE;
    event_bind(index, a[4], a[5]);
    timer_oneshot[index] = oneshot;
    int r = stm32_timer_start(&timers[index], index, num, den, timer_fired, (void *)(uintptr_t)index, 9);
    if (r == -STM32_EINVAL) kn_raise_fmt(&kn_type_ValueError, "period out of range for TIM%d", (int)index);
    stm32_check(r);
    tim_owner[index] = OWNER_TIMER;
    return KN_MKSMALL(index);
}
static KN_FUNV(m_timer_start_obj, 6, 6, m_timer_start);

static kn_obj m_timer_stop(kn_obj tid) {
    kn_int_t i = kn_get_int(tid);
    if (i >= 1 && i <= 14 && tim_owner[i] == OWNER_TIMER) {
        stm32_timer_stop(&timers[i]);
        tim_owner[i] = OWNER_FREE;
    } else if (i >= (kn_int_t)EV_SOFT && i < (kn_int_t)EV_COUNT) {
        const uint32_t primask = irq_off();
        soft_active &= ~(1u << (i - (kn_int_t)EV_SOFT));
        irq_restore(primask);
    } else {
        return kn_none;
    }
    event_bind((uint32_t)i, kn_none, KN_NULL);
    return kn_none;
}
static KN_FUN1(m_timer_stop_obj, m_timer_stop);

/* ---- DAC ---- */
static kn_obj m_dac_init(kn_obj ch, kn_obj buffered) {
    stm32_check(stm32_dac_init((uint32_t)kn_get_int(ch), kn_truthy(buffered)));
    return kn_none;
}
static KN_FUN2(m_dac_init_obj, m_dac_init);

static kn_obj m_dac_write(kn_obj ch, kn_obj v) {
    stm32_check(stm32_dac_write((uint32_t)kn_get_int(ch), (uint32_t)kn_get_int(v)));
    return kn_none;
}
static KN_FUN2(m_dac_write_obj, m_dac_write);

static kn_obj m_dac_deinit(kn_obj ch) {
    stm32_dac_deinit((uint32_t)kn_get_int(ch));
    return kn_none;
}
static KN_FUN1(m_dac_deinit_obj, m_dac_deinit);

/* ---- mem8 / mem16 / mem32: word access to memory and registers, limited to the board's memory regions,
   the peripheral space and the System Control Space (anything else would bus-fault). ---- */
typedef struct {
    kn_base_t base;
    uint32_t width;
} mem_obj_t;

/* True when [addr, addr + width) lies inside [start, start + size) (a region of size 0 holds nothing). */
static bool mem_in(uint32_t addr, uint32_t width, uint32_t start, uint32_t size) {
    return size >= width && addr >= start && addr - start <= size - width;
}

/* The board's regions come from `stm32_chip` (chip.c), so this file compiles once for every board. */
static bool mem_ok(uint32_t addr, uint32_t width) {
    if (mem_in(addr, width, stm32_chip.flash_base, stm32_chip.flash_size) ||
        mem_in(addr, width, stm32_chip.ram_base, stm32_chip.ram_size) ||
        mem_in(addr, width, 0x40000000u, 0x20000000u) || /* APB1, APB2, AHB1, AHB2 */
        mem_in(addr, width, 0xE000E000u, 0x1000u))       /* SysTick, NVIC, SCB */
        return true;
    /* The CCM is absent in QEMU: touching it there would fault. */
    return !stm32_clocks()->emulated && mem_in(addr, width, stm32_chip.ccm_base, stm32_chip.ccm_size);
}

static kn_obj mem_subscr(kn_obj o, kn_obj index, kn_obj value) {
    const mem_obj_t *m = KN_PTR(o);
    if (value == KN_NULL) kn_raise_type("cannot delete memory");
    long long a = kn_get_ll(index);
    if (a < 0 || a > 0xFFFFFFFFll) kn_raise_value("address out of range");
    uint32_t addr = (uint32_t)a;
    if (addr % m->width != 0u) kn_raise_fmt(&kn_type_ValueError, "address %u is not %d-byte aligned", (unsigned)addr, (int)m->width);
    if (!mem_ok(addr, m->width)) kn_raise_fmt(&kn_type_ValueError, "address %u is outside memory and registers", (unsigned)addr);
    if (value == KN_LOAD) {
        uint32_t v = m->width == 1u ? DRV_REG8(addr) : m->width == 2u ? DRV_REG16(addr) : DRV_REG(addr);
        return kn_int_from_ull(v);
    }
    uint32_t v = (uint32_t)kn_get_ll(value); /* like MicroPython: the low bits of any int */
    if (m->width == 1u) DRV_REG8(addr) = (uint8_t)v;
    else if (m->width == 2u) DRV_REG16(addr) = (uint16_t)v;
    else DRV_REG(addr) = v;
    return kn_none;
}

static void mem_print(kn_print_t *p, kn_obj o, int repr) {
    (void)repr;
    const mem_obj_t *m = KN_PTR(o);
    const char *s = m->width == 1u ? "<8-bit memory>" : m->width == 2u ? "<16-bit memory>" : "<32-bit memory>";
    p->write(p->ctx, s, strlen(s));
}

static const kn_type_t mem_type = {
    .base = {&kn_type_type},
    .name = KN_Q(mem),
    .print = mem_print,
    .subscr = mem_subscr,
    .base_type = &kn_type_object,
};
static const mem_obj_t mem8_obj = {{&mem_type}, 1};
static const mem_obj_t mem16_obj = {{&mem_type}, 2};
static const mem_obj_t mem32_obj = {{&mem_type}, 4};

/* ---- sleep ---- */
static void sleep_ms(uint32_t ms) {
    /* WFI until the 1 kHz SysTick (or another interrupt) wakes the core, until ms have passed. */
    const uint32_t start = hal_ticks_ms();
    while (hal_ticks_ms() - start < ms) __asm volatile("wfi");
}

static uint32_t sleep_arg(size_t n, const kn_obj *a) {
    if (n == 0 || a[0] == kn_none) return 0xFFFFFFFFu;
    kn_int_t ms = kn_get_int(a[0]);
    if (ms < 0) kn_raise_value("sleep time must be non-negative");
    return (uint32_t)ms;
}

/* lightsleep([ms]): without ms, until the next interrupt. Interrupts stay live; callbacks they schedule run
   after it returns. */
static kn_obj m_lightsleep(size_t n, const kn_obj *a) {
    uint32_t ms = sleep_arg(n, a);
    if (ms == 0xFFFFFFFFu) __asm volatile("wfi");
    else sleep_ms(ms);
    kn_check_interrupt();
    return kn_none;
}
static KN_FUNV(m_lightsleep_obj, 0, 1, m_lightsleep);

/* deepsleep([ms]): sleeps like lightsleep, then resets (as MicroPython's deepsleep wakes through a reset). */
static kn_obj m_deepsleep(size_t n, const kn_obj *a) {
    uint32_t ms = sleep_arg(n, a);
    if (ms == 0xFFFFFFFFu) __asm volatile("wfi");
    else sleep_ms(ms);
    hal_reset();
}
static KN_FUNV(m_deepsleep_obj, 0, 1, m_deepsleep);

static const kn_method_t io_table[] = {
    {KN_Q(_pwm_init), KN_OBJ(&m_pwm_init_obj)},
    {KN_Q(_pwm_deinit), KN_OBJ(&m_pwm_deinit_obj)},
    {KN_Q(_pwm_freq), KN_OBJ(&m_pwm_freq_obj)},
    {KN_Q(_pwm_duty_u16), KN_OBJ(&m_pwm_duty_u16_obj)},
    {KN_Q(_pwm_duty_ns), KN_OBJ(&m_pwm_duty_ns_obj)},
    {KN_Q(_pwm_where), KN_OBJ(&m_pwm_where_obj)},
    {KN_Q(_timer_start), KN_OBJ(&m_timer_start_obj)},
    {KN_Q(_timer_stop), KN_OBJ(&m_timer_stop_obj)},
    {KN_Q(_dac_init), KN_OBJ(&m_dac_init_obj)},
    {KN_Q(_dac_write), KN_OBJ(&m_dac_write_obj)},
    {KN_Q(_dac_deinit), KN_OBJ(&m_dac_deinit_obj)},
    {KN_Q(mem8), KN_OBJ(&mem8_obj)},
    {KN_Q(mem16), KN_OBJ(&mem16_obj)},
    {KN_Q(mem32), KN_OBJ(&mem32_obj)},
    {KN_Q(lightsleep), KN_OBJ(&m_lightsleep_obj)},
    {KN_Q(deepsleep), KN_OBJ(&m_deepsleep_obj)},
};

void stm32_machine_io_register(kn_obj globals) {
    for (size_t i = 0; i < sizeof io_table / sizeof io_table[0]; i++)
        kn_dict_set(globals, io_table[i].name, io_table[i].value);
    kn_dict_set(globals, KN_Q(_HAS_DAC), KN_BOOL(stm32_chip.has_dac)); /* the part's, from chip.c */
}

/* ---- pyb: the board's LEDs and user switch ---- */
static void switch_pressed(void *arg, uint32_t pin) {
    (void)arg;
    (void)pin;
    events[EV_SWITCH].pending++;
}

/* _led(n, op) -> state; op 0 off, 1 on, 2 toggle, 3 query */
static kn_obj p_led(kn_obj id, kn_obj op) {
    kn_int_t n = kn_get_int(id);
    if (n < 1 || n > (kn_int_t)stm32_led_count()) kn_raise_fmt(&kn_type_ValueError, "LED(%d) does not exist", (int)n);
    int r = stm32_led((uint32_t)n, (uint32_t)kn_get_int(op));
    stm32_check(r);
    return KN_MKSMALL(r);
}
static KN_FUN2(p_led_obj, p_led);

static kn_obj p_switch_init(void) {
    if (stm32_switch_init() != STM32_OK) kn_raise_value("this board has no user switch");
    return kn_none;
}
static KN_FUN0(p_switch_init_obj, p_switch_init);

static kn_obj p_switch_value(void) {
    int r = stm32_switch_pressed();
    stm32_check(r);
    return KN_BOOL(r);
}
static KN_FUN0(p_switch_value_obj, p_switch_value);

/* _switch_callback(fn or None, switch object) */
static kn_obj p_switch_callback(kn_obj fn, kn_obj sw) {
    stm32_switch_detach();
    events[EV_SWITCH].pending = 0u;
    events[EV_SWITCH].fn = KN_NULL;
    if (fn == kn_none) return kn_none;
    events[EV_SWITCH].fn = fn;
    events[EV_SWITCH].arg = sw;
    stm32_check(stm32_switch_attach(switch_pressed, NULL, 10));
    return kn_none;
}
static KN_FUN2(p_switch_callback_obj, p_switch_callback);

static const kn_method_t pyb_table[] = {
    {KN_Q(_led), KN_OBJ(&p_led_obj)},
    {KN_Q(_switch_init), KN_OBJ(&p_switch_init_obj)},
    {KN_Q(_switch_value), KN_OBJ(&p_switch_value_obj)},
    {KN_Q(_switch_callback), KN_OBJ(&p_switch_callback_obj)},
};

kn_obj stm32_mod_pyb_init(void) {
    return kn_module_from_table(KN_Q(_pyb), pyb_table, sizeof pyb_table / sizeof pyb_table[0]);
}
