/* esp_uart.c: ESP32-C3 UART driver: clock gate, 8N1 framing, fractional baud divider, pin routing (FIFO I/O:
   esp_uart_io.c). */
#include <errno.h>

#include "esp32_hal.h"
#include "esp32c3_regs.h"
#include "esp_gpio.h"
#include "esp_uart.h"
#include "hal.h"

#define UART1_BASE 0x60010000u
#define SCLK_SEL_SHIFT 20
#define SCLK_SEL_MASK (3u << SCLK_SEL_SHIFT)
#define SCLK_DIV_MASK 0x000FFFFFu /* DIV_B [5:0], DIV_A [11:6], DIV_NUM [19:12] */
#define SCLK_DIV_NUM_SHIFT 12
#define CLKDIV_INT_MASK 0xFFFu
#define CLKDIV_FRAG_SHIFT 20
#define REG_UPDATE_SPINS 10000u

static const uintptr_t bases[ESP_UART_COUNT] = {UART0_BASE, UART1_BASE};
static const uint32_t clock_bits[ESP_UART_COUNT] = {SYSTEM_CLK_UART0, SYSTEM_CLK_UART1};
static const uint8_t tx_signals[ESP_UART_COUNT] = {SIG_U0TXD, SIG_U1TXD};
static const uint8_t rx_signals[ESP_UART_COUNT] = {SIG_U0RXD, SIG_U1RXD};
static const uint8_t sources[ESP_UART_COUNT] = {INTMTX_SOURCE_UART0, INTMTX_SOURCE_UART1};

uintptr_t esp_uart_base(unsigned id) {
    return id < ESP_UART_COUNT ? bases[id] : 0u;
}

unsigned esp_uart_irq_source(unsigned id) {
    return id < ESP_UART_COUNT ? sources[id] : 0u;
}

/* The UART core clock: source (1 = APB at 80 MHz with the PLL, 3 = XTAL) over SCLK_DIV_NUM + 1. */
static uint32_t sclk_hz(uintptr_t base) {
    uint32_t conf = UART_CLK_CONF(base);
    uint32_t sel = (conf & SCLK_SEL_MASK) >> SCLK_SEL_SHIFT;
    uint32_t src = sel == 1u ? 80000000u : esp32_xtal_hz();
    return src / (((conf >> SCLK_DIV_NUM_SHIFT) & 0xFFu) + 1u);
}

int esp_uart_init(unsigned id, uint32_t baud, int tx_pin, int rx_pin) {
    if (id >= ESP_UART_COUNT || baud < 300u || baud > 5000000u) {
        return -EINVAL;
    }
    if ((tx_pin != ESP_UART_NO_PIN && esp_gpio_check((unsigned)tx_pin) != 0) ||
        (rx_pin != ESP_UART_NO_PIN && esp_gpio_check((unsigned)rx_pin) != 0)) {
        return -EINVAL;
    }
    uintptr_t base = bases[id];
    uint32_t was_on = SYSTEM_PERIP_CLK_EN0 & clock_bits[id];
    SYSTEM_PERIP_CLK_EN0 |= clock_bits[id] | SYSTEM_CLK_UART_MEM;
    if (!was_on) {
        /* Fresh peripheral: pulse its reset. A running UART (the ROM's console) is not reset, so
           whatever it was sending still leaves. */
        SYSTEM_PERIP_RST_EN0 |= clock_bits[id];
        SYSTEM_PERIP_RST_EN0 &= ~clock_bits[id];
    }
    /* Let pending output drain before the clock changes under it. */
    esp_uart_flush(id, 20u);

    /* The 12-bit integer divider tops out at XTAL / 4095 (9.8 kbaud): slower rates also divide
       the core clock by an integer prescaler. */
    uint32_t prescale = esp32_xtal_hz() / baud / CLKDIV_INT_MASK + 1u;
    if (prescale > 256u) {
        return -EINVAL;
    }
    UART_CLK_CONF(base) = (UART_CLK_CONF(base) & ~(SCLK_SEL_MASK | SCLK_DIV_MASK)) | UART_CLK_CONF_SEL_XTAL |
                          ((prescale - 1u) << SCLK_DIV_NUM_SHIFT) | UART_CLK_CONF_SCLK_EN | UART_CLK_CONF_TX_EN |
                          UART_CLK_CONF_RX_EN;
    uint32_t div16 = (sclk_hz(base) * 16u + baud / 2u) / baud;
    if ((div16 >> 4) == 0u || (div16 >> 4) > CLKDIV_INT_MASK) {
        return -EINVAL;
    }
    UART_CLKDIV(base) = (div16 >> 4) | ((div16 & 0xFu) << CLKDIV_FRAG_SHIFT);
    UART_CONF0(base) = UART_CONF0_8N1 | UART_CONF0_RXFIFO_RST | UART_CONF0_TXFIFO_RST;
    UART_CONF0(base) = UART_CONF0_8N1;
    /* Configuration crosses into the UART core clock domain only on REG_UPDATE. */
    UART_ID(base) |= UART_ID_REG_UPDATE;
    for (unsigned i = 0; i < REG_UPDATE_SPINS && (UART_ID(base) & UART_ID_REG_UPDATE) != 0u; i++) {
    }
    if ((UART_ID(base) & UART_ID_REG_UPDATE) != 0u) {
        return -ETIMEDOUT;
    }
    UART_INT_CLR(base) = 0xFFFFFFFFu;
    if (tx_pin != ESP_UART_NO_PIN) {
        GPIO_OUT_W1TS = 1u << tx_pin; /* idle high even before the matrix takes over */
        esp_gpio_route_output((unsigned)tx_pin, tx_signals[id], 0, 0);
    }
    if (rx_pin != ESP_UART_NO_PIN) {
        esp_gpio_route_input(rx_signals[id], (unsigned)rx_pin, 1); /* pull-up: a floating RX reads idle */
    }
    return 0;
}

void esp_uart_enable_rx_irq(unsigned id) {
    if (id >= ESP_UART_COUNT) {
        return;
    }
    uintptr_t base = bases[id];
    UART_CONF1(base) = 1u | (16u << 9); /* RXFIFO_FULL_THRHD 1, TXFIFO_EMPTY_THRHD 16 (unused) */
    UART_ID(base) |= UART_ID_REG_UPDATE;
    for (unsigned i = 0; i < REG_UPDATE_SPINS && (UART_ID(base) & UART_ID_REG_UPDATE) != 0u; i++) {
    }
    UART_INT_CLR(base) = 0xFFFFFFFFu;
    UART_INT_ENA(base) = UART_INT_RXFIFO_FULL;
}

uint32_t esp_uart_baud(unsigned id) {
    if (id >= ESP_UART_COUNT) {
        return 0;
    }
    uintptr_t base = bases[id];
    uint32_t clkdiv = UART_CLKDIV(base);
    uint32_t div16 = ((clkdiv & CLKDIV_INT_MASK) << 4) | ((clkdiv >> CLKDIV_FRAG_SHIFT) & 0xFu);
    return div16 == 0u ? 0u : (uint32_t)(((uint64_t)sclk_hz(base) * 16u + div16 / 2u) / div16);
}
