/* st_clocks.c: self-test of the clock tree: clk_sys, PLL_USB programmed for 48 MHz, clk_usb/clk_adc. */
#include "selftest.h"

#include "hal.h"
#include "rp2040.h"
#include "rp2_hal.h"

void st_clocks(void) {
    st_check(hal_cpu_hz() == 125000000u, "clocks.sys", "%lu Hz", (unsigned long)hal_cpu_hz());
    /* What the PLL_USB registers give from the 12 MHz crystal: 12 MHz * FBDIV / (POSTDIV1 * POSTDIV2). */
    uint32_t fbdiv = REG32(PLL_USB_BASE + PLL_FBDIV_INT) & 0xfffu;
    uint32_t prim = REG32(PLL_USB_BASE + PLL_PRIM);
    uint32_t pd1 = (prim >> PLL_PRIM_POSTDIV1_LSB) & 7u;
    uint32_t pd2 = (prim >> PLL_PRIM_POSTDIV2_LSB) & 7u;
    uint32_t vco_mhz = 12u * fbdiv;
    uint32_t out_hz = pd1 && pd2 ? (uint32_t)(12000000ull * fbdiv / (pd1 * pd2)) : 0u;
    st_check(out_hz == 48000000u && vco_mhz >= 750u && vco_mhz <= 1600u && pd1 >= pd2, "clocks.pll_usb",
             "fbdiv=%lu postdiv=%lu/%lu vco=%lu MHz", (unsigned long)fbdiv, (unsigned long)pd1, (unsigned long)pd2,
             (unsigned long)vco_mhz);
    st_check(rp2_clk_usb_hz() == 48000000u && (REG32(CLK_USB_CTRL) & (CLK_AUX_ENABLE | (7u << CLK_AUX_AUXSRC_LSB))) ==
                                                   CLK_AUX_ENABLE,
             "clocks.usb", "ctrl=0x%08lx", (unsigned long)REG32(CLK_USB_CTRL));
    st_check(rp2_clk_adc_hz() == 48000000u && (REG32(CLK_ADC_CTRL) & CLK_AUX_ENABLE), "clocks.adc", "ctrl=0x%08lx",
             (unsigned long)REG32(CLK_ADC_CTRL));
}
