/* clocks.c: RP2040 resets and clock tree (XOSC, PLL_SYS, PLL_USB, clk_ref/sys/peri/usb/adc, 1 us tick). */
#include "board_config.h"
#include "hal.h"
#include "rp2040.h"
#include "rp2_hal.h"

/* The XOSC is specified for 1-15 MHz crystals only (FREQ_RANGE 1_15MHZ). */
#if KILN_XTAL_HZ > 15000000u
#error "RP2040 boards need a crystal of at most 15 MHz (xtal_hz in board.toml)"
#endif

/* Datasheet typical ROSC speed; real parts vary a lot, so after this fallback times and baud
 * rates are only approximate. rp2040js models exactly this value. */
#define ROSC_NOMINAL_HZ 6500000u
#define XOSC_STARTUP_TIMEOUT_US 50000u
#define PLL_LOCK_TIMEOUT_US 10000u
/* Glitchless muxes switch within a few cycles of both clocks; bound the wait anyway. */
#define MUX_SWITCH_SPINS 100000u
#define RESET_DONE_SPINS 100000u
#define PLL_REF_MIN_KHZ 5000u
#define PLL_VCO_MIN_KHZ 750000u
#define PLL_VCO_MAX_KHZ 1600000u
#define PLL_FBDIV_MIN 16u
#define PLL_FBDIV_MAX 320u

#define USB_HZ 48000000u /* USB full speed and the ADC both need exactly 48 MHz */

static struct {
    uint32_t sys_hz;
    uint32_t usb_hz; /* clk_usb; 0 when PLL_USB is not running */
    uint32_t adc_hz; /* clk_adc */
    rp2_clock_source_t source;
} clocks;

typedef struct {
    uint32_t fbdiv;
    uint32_t postdiv1;
    uint32_t postdiv2;
    uint32_t out_hz;
} pll_config_t;

rp2_clock_source_t rp2_clock_source(void) {
    return clocks.source;
}

uint32_t hal_cpu_hz(void) {
    return clocks.sys_hz;
}

uint32_t rp2_clk_peri_hz(void) {
    return clocks.sys_hz; /* clk_peri always runs from clk_sys here */
}

uint32_t rp2_clk_usb_hz(void) {
    return clocks.usb_hz;
}

uint32_t rp2_clk_adc_hz(void) {
    return clocks.adc_hz;
}

void rp2_unreset(uint32_t bits) {
    REG_CLR(RESETS_RESET, bits);
    for (uint32_t spins = 0; (REG32(RESETS_RESET_DONE) & bits) != bits && spins < RESET_DONE_SPINS; spins++) {
    }
}

static void wait_selected(uint32_t selected_reg, uint32_t want) {
    for (uint32_t spins = 0; REG32(selected_reg) != want && spins < MUX_SWITCH_SPINS; spins++) {
    }
}

/* TIMER and watchdog count ticks of clk_ref / CYCLES: make one tick one microsecond. */
static void start_tick(uint32_t ref_hz) {
    uint32_t cycles = (ref_hz + 500000u) / 1000000u;
    REG32(WATCHDOG_BASE + WATCHDOG_TICK) = cycles | WATCHDOG_TICK_ENABLE;
}

/* Back to the power-on clocks (clk_ref = ROSC, clk_sys = clk_ref), so PLLs and XOSC can be
 * reprogrammed safely even after a soft reset that left them running. */
static void clocks_to_rosc(void) {
    REG32(CLK_SYS_RESUS_CTRL) = 0;
    REG_CLR(CLK_SYS_CTRL, CLK_SYS_SRC_AUX);
    wait_selected(CLK_SYS_SELECTED, 1u << CLK_SYS_SRC_REF);
    REG_CLR(CLK_REF_CTRL, 3u);
    wait_selected(CLK_REF_SELECTED, 1u << CLK_REF_SRC_ROSC);
}

static int xosc_start(void) {
    /* STARTUP counts 256-cycle units of the crystal: about 1 ms before STABLE may rise. */
    REG32(XOSC_STARTUP) = ((KILN_XTAL_HZ / 1000u) + 128u) / 256u;
    REG32(XOSC_CTRL) = XOSC_CTRL_FREQ_1_15MHZ | XOSC_CTRL_ENABLE;
    uint64_t deadline = rp2_time_us() + XOSC_STARTUP_TIMEOUT_US;
    while (!(REG32(XOSC_STATUS) & XOSC_STATUS_STABLE)) {
        if (rp2_time_us() > deadline) {
            /* No crystal fitted or it does not oscillate: stop it and stay on ROSC. */
            REG32(XOSC_CTRL) = XOSC_CTRL_FREQ_1_15MHZ | XOSC_CTRL_DISABLE;
            return 0;
        }
    }
    return 1;
}

/* Best PLL setting with output <= target (REFDIV = 1): exact when the target allows it. The
 * search runs in kHz so target * postdivs fits 32 bits; M0+ has no divide instruction, so it
 * stays at 28 candidates. */
static pll_config_t pll_plan(uint32_t ref_hz, uint32_t target_hz) {
    pll_config_t best = {0, 0, 0, 0};
    uint32_t ref_khz = ref_hz / 1000u;
    for (uint32_t pd1 = 7; pd1 >= 1; pd1--) {
        for (uint32_t pd2 = pd1; pd2 >= 1; pd2--) { /* POSTDIV1 >= POSTDIV2 saves power */
            uint32_t fbdiv = (target_hz / 1000u) * pd1 * pd2 / ref_khz;
            uint32_t vco_khz = ref_khz * fbdiv;
            if (fbdiv < PLL_FBDIV_MIN || fbdiv > PLL_FBDIV_MAX || vco_khz < PLL_VCO_MIN_KHZ ||
                vco_khz > PLL_VCO_MAX_KHZ) {
                continue;
            }
            uint32_t out_hz = ref_hz * fbdiv / (pd1 * pd2); /* VCO <= 1.6 GHz fits 32 bits */
            if (out_hz > best.out_hz && out_hz <= target_hz) {
                best = (pll_config_t){fbdiv, pd1, pd2, out_hz};
            }
        }
    }
    return best;
}

/* Resets one PLL (base PLL_SYS_BASE or PLL_USB_BASE, reset bit to match) and locks it to cfg. */
static int pll_start(uint32_t base, uint32_t reset_bit, const pll_config_t *cfg) {
    REG_SET(RESETS_RESET, reset_bit);
    rp2_unreset(reset_bit);
    REG32(base + PLL_CS) = 1u; /* REFDIV */
    REG32(base + PLL_FBDIV_INT) = cfg->fbdiv;
    REG_CLR(base + PLL_PWR, PLL_PWR_PD | PLL_PWR_VCOPD);
    uint64_t deadline = rp2_time_us() + PLL_LOCK_TIMEOUT_US;
    while (!(REG32(base + PLL_CS) & PLL_CS_LOCK)) {
        if (rp2_time_us() > deadline) {
            REG_SET(base + PLL_PWR, PLL_PWR_PD | PLL_PWR_VCOPD | PLL_PWR_POSTDIVPD);
            return 0;
        }
    }
    REG32(base + PLL_PRIM) = (cfg->postdiv1 << PLL_PRIM_POSTDIV1_LSB) | (cfg->postdiv2 << PLL_PRIM_POSTDIV2_LSB);
    REG_CLR(base + PLL_PWR, PLL_PWR_POSTDIVPD);
    return 1;
}

/* clk_usb / clk_adc have no glitchless mux: stop the generator, let it settle, then restart it
 * from the new source. */
static void aux_clock_select(uint32_t ctrl_reg, uint32_t div_reg, uint32_t auxsrc) {
    REG32(ctrl_reg) = 0;
    for (volatile uint32_t spins = 0; spins < 100u; spins++) {
    }
    REG32(div_reg) = CLK_DIV_ONE;
    REG32(ctrl_reg) = CLK_AUX_ENABLE | (auxsrc << CLK_AUX_AUXSRC_LSB);
}

/* PLL_USB at 48 MHz feeds clk_usb and clk_adc. Without it USB cannot work (ROSC is far too
 * imprecise for full speed); the ADC then runs from clk_sys's source, just slower to sample. */
static void usb_clocks_init(int have_xosc) {
    REG32(CLK_USB_CTRL) = 0;
    REG32(CLK_ADC_CTRL) = 0;
    clocks.usb_hz = 0;
    clocks.adc_hz = 0;
    pll_config_t cfg = {0, 0, 0, 0};
    if (have_xosc && KILN_XTAL_HZ / 1000u >= PLL_REF_MIN_KHZ) {
        cfg = pll_plan(KILN_XTAL_HZ, USB_HZ);
    }
    if (cfg.out_hz == USB_HZ && pll_start(PLL_USB_BASE, RESET_PLL_USB, &cfg)) {
        aux_clock_select(CLK_USB_CTRL, CLK_USB_DIV, CLK_AUX_AUXSRC_PLL_USB);
        aux_clock_select(CLK_ADC_CTRL, CLK_ADC_DIV, CLK_AUX_AUXSRC_PLL_USB);
        clocks.usb_hz = USB_HZ;
        clocks.adc_hz = USB_HZ;
        return;
    }
    /* clk_adc AUXSRC 3 = XOSC, 2 = ROSC. */
    aux_clock_select(CLK_ADC_CTRL, CLK_ADC_DIV, have_xosc ? 3u : 2u);
    clocks.adc_hz = have_xosc ? KILN_XTAL_HZ : ROSC_NOMINAL_HZ;
}

/* clk_sys from its aux mux: pick the aux source while the glitchless mux is on clk_ref. */
static void clk_sys_from_aux(uint32_t auxsrc) {
    REG32(CLK_SYS_DIV) = CLK_DIV_ONE;
    REG32(CLK_SYS_CTRL) = (auxsrc << CLK_SYS_AUXSRC_LSB) | CLK_SYS_SRC_REF;
    REG32(CLK_SYS_CTRL) = (auxsrc << CLK_SYS_AUXSRC_LSB) | CLK_SYS_SRC_AUX;
    wait_selected(CLK_SYS_SELECTED, 1u << CLK_SYS_SRC_AUX);
}

void rp2_clocks_init(void) {
    clocks.sys_hz = ROSC_NOMINAL_HZ;
    clocks.source = RP2_CLOCK_ROSC;
    clocks_to_rosc();

    /* Reset every peripheral except the QSPI pads and IO we execute from and SYSCFG (debug and
     * bus settings), then release the ones the HAL uses (drivers release their own). clk_usb
     * and clk_adc stop first: their PLL is about to be reset. */
    REG32(CLK_USB_CTRL) = 0;
    REG32(CLK_ADC_CTRL) = 0;
    REG_SET(RESETS_RESET, RESET_ALL & ~(RESET_IO_QSPI | RESET_PADS_QSPI | RESET_SYSCFG));
    rp2_unreset(RESET_IO_BANK0 | RESET_PADS_BANK0 | RESET_TIMER);
    start_tick(ROSC_NOMINAL_HZ); /* approximate microseconds, good enough for the timeouts below */

    int have_xosc = KILN_XTAL_HZ != 0u && xosc_start();
    if (!have_xosc) {
        REG32(CLK_REF_DIV) = CLK_DIV_ONE;
        REG32(CLK_SYS_DIV) = CLK_DIV_ONE;
    } else {
        REG32(CLK_REF_DIV) = CLK_DIV_ONE;
        REG32(CLK_REF_CTRL) = CLK_REF_SRC_XOSC;
        wait_selected(CLK_REF_SELECTED, 1u << CLK_REF_SRC_XOSC);
        start_tick(KILN_XTAL_HZ);

        pll_config_t cfg = {0, 0, 0, 0};
        if (KILN_XTAL_HZ / 1000u >= PLL_REF_MIN_KHZ) {
            cfg = pll_plan(KILN_XTAL_HZ, KILN_CPU_HZ);
        }
        if (cfg.out_hz != 0u && pll_start(PLL_SYS_BASE, RESET_PLL_SYS, &cfg)) {
            clk_sys_from_aux(CLK_SYS_AUXSRC_PLL_SYS);
            clocks.sys_hz = cfg.out_hz;
            clocks.source = RP2_CLOCK_PLL_SYS;
        } else {
            clk_sys_from_aux(CLK_SYS_AUXSRC_XOSC);
            clocks.sys_hz = KILN_XTAL_HZ;
            clocks.source = RP2_CLOCK_XOSC;
        }
    }

    /* clk_peri (UART, SPI) follows clk_sys. Stop it before (re)selecting its source: its mux is
     * not glitchless. */
    REG32(CLK_PERI_CTRL) = 0;
    for (volatile uint32_t spins = 0; spins < 100u; spins++) {
    }
    REG32(CLK_PERI_CTRL) = CLK_PERI_ENABLE | (CLK_PERI_AUXSRC_CLK_SYS << CLK_PERI_AUXSRC_LSB);
    usb_clocks_init(have_xosc);
}
