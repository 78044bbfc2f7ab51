/* uart_c6.c: ESP32-C6 UART0/UART1: PCR clock from XTAL, baud divider, 8N1, RX interrupt, UART1 pins through
   the GPIO matrix (FIFO I/O: esp_uart_io.c). */
#include <errno.h>

#include "esp32_hal.h"
#include "esp_gpio.h"
#include "esp_uart.h"
#include "hal.h"
#include "soc_regs.h"

#define CLKDIV_INT_MASK 0xFFFu
#define CLKDIV_FRAG_SHIFT 20
#define SYNC_SPINS 10000u
/* UART0 stays on its IO_MUX pads; UART1 goes through the GPIO matrix (signal 9 both ways, C6 TRM). */
#define U0TXD_PIN 16
#define U0RXD_PIN 17
#define SIG_U1TXD 9u
#define SIG_U1RXD 9u

static const uintptr_t bases[ESP_UART_COUNT] = {UART0_BASE, UART1_BASE};

uintptr_t esp_uart_base(unsigned id) {
    return id < ESP_UART_COUNT ? bases[id] : 0u;
}

unsigned esp_uart_irq_source(unsigned id) {
    return SOC_UART_SOURCE(id);
}

/* Configuration crosses into the UART core clock domain on REG_UPDATE, which clears when done. */
static int sync_config(uintptr_t base) {
    UART_REG_UPDATE(base) = UART_REG_UPDATE_BIT;
    for (unsigned i = 0; i < SYNC_SPINS && (UART_REG_UPDATE(base) & UART_REG_UPDATE_BIT) != 0u; i++) {
    }
    return (UART_REG_UPDATE(base) & UART_REG_UPDATE_BIT) != 0u ? -ETIMEDOUT : 0;
}

int esp_uart_init(unsigned id, uint32_t baud, int tx_pin, int rx_pin) {
    if (id >= ESP_UART_COUNT || baud < 300u || baud > 5000000u) {
        return -EINVAL;
    }
    if (id == 0u && ((tx_pin != ESP_UART_NO_PIN && tx_pin != U0TXD_PIN) ||
                     (rx_pin != ESP_UART_NO_PIN && rx_pin != U0RXD_PIN))) {
        return -ENOTSUP; /* UART0 (the console) only on its IO_MUX pads */
    }
    if (id == 1u && ((tx_pin != ESP_UART_NO_PIN && esp_gpio_check((unsigned)tx_pin) != 0) ||
                     (rx_pin != ESP_UART_NO_PIN && esp_gpio_check((unsigned)rx_pin) != 0))) {
        return -EINVAL;
    }
    uintptr_t base = bases[id];
    /* Let whatever the ROM and bootloader were printing drain before the clock changes. */
    for (unsigned i = 0; i < 200000u && UART_STATUS_TXCNT(UART_STATUS(base)) != 0u; i++) {
    }
    PCR_UART_CONF(id) = (PCR_UART_CONF(id) | PCR_UART_CLK_EN) & ~PCR_UART_RST_EN;
    uint32_t xtal = esp32_xtal_hz();
    uint32_t prescale = xtal / baud / CLKDIV_INT_MASK + 1u;
    if (prescale > 256u) {
        return -EINVAL;
    }
    PCR_UART_SCLK_CONF(id) = (PCR_UART_SCLK_SEL_XTAL << PCR_UART_SCLK_SEL_SHIFT) |
                             ((prescale - 1u) << PCR_UART_SCLK_DIV_NUM_SHIFT) | PCR_UART_SCLK_EN;
    uint32_t div16 = (xtal / prescale * 16u + baud / 2u) / baud;
    UART_CLKDIV(base) = (div16 >> 4) | ((div16 & 0xFu) << CLKDIV_FRAG_SHIFT);
    UART_CONF0(base) = UART_CONF0_8N1 | UART_CONF0_RXFIFO_RST | UART_CONF0_TXFIFO_RST;
    UART_CONF0(base) = UART_CONF0_8N1;
    UART_INT_CLR(base) = 0xFFFFFFFFu;
    int err = sync_config(base);
    if (err != 0 || id != 1u) {
        return err;
    }
    if (tx_pin != ESP_UART_NO_PIN) {
        GPIO_OUT_W1TS = 1u << tx_pin; /* idle high before the matrix takes over */
        (void)esp_gpio_route_output((unsigned)tx_pin, SIG_U1TXD, 0, 0);
    }
    if (rx_pin != ESP_UART_NO_PIN) {
        (void)esp_gpio_route_input(SIG_U1RXD, (unsigned)rx_pin, 1); /* pull-up: a floating RX reads idle */
    }
    return 0;
}

void esp_uart_enable_rx_irq(unsigned id) {
    if (id >= ESP_UART_COUNT) {
        return;
    }
    uintptr_t base = bases[id];
    UART_CONF1(base) = 1u | (16u << 8); /* RXFIFO_FULL_THRHD 1, TXFIFO_EMPTY_THRHD 16 (unused) */
    (void)sync_config(base);
    UART_INT_CLR(base) = 0xFFFFFFFFu;
    UART_INT_ENA(base) = UART_INT_RXFIFO_FULL;
}

uint32_t esp_uart_baud(unsigned id) {
    if (id >= ESP_UART_COUNT) {
        return 0;
    }
    uint32_t clkdiv = UART_CLKDIV(bases[id]);
    uint32_t div16 = ((clkdiv & CLKDIV_INT_MASK) << 4) | ((clkdiv >> CLKDIV_FRAG_SHIFT) & 0xFu);
    uint32_t sclk = esp32_xtal_hz() / (((PCR_UART_SCLK_CONF(id) >> PCR_UART_SCLK_DIV_NUM_SHIFT) & 0xFFu) + 1u);
    return div16 == 0u ? 0u : (uint32_t)(((uint64_t)sclk * 16u + div16 / 2u) / div16);
}
