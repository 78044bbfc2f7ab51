/* probe_cmds.c: the driver probe's commands, one thin wrapper per driver call. */
#include <errno.h>
#include <stddef.h>

#include "esp_adc.h"
#include "esp_clock.h"
#include "esp_flash.h"
#include "esp_gpio.h"
#include "esp_i2c.h"
#include "esp_pwm.h"
#include "esp_spi.h"
#include "esp_system.h"
#include "esp_timer.h"
#include "esp_uart.h"
#include "esp_usb_serial.h"
#include "esp_wdt.h"
#include "hal.h"
#include "probe.h"

#define A(i) (args->num[i])
#define U(i) ((unsigned)args->num[i])

static uint8_t buffer[PROBE_MAX_BYTES];

/* What interrupt callbacks saw: reset with the firmware (zeroed .bss). */
static volatile uint32_t pin_events[32];
static volatile uint32_t pin_last_level[32];
static volatile uint32_t timer_events[ESP_TIMER_COUNT];

static int done(int rc) {
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    return 0;
}

static int cmd_ping(const probe_args_t *args) {
    (void)args;
    probe_ok();
    probe_text("pong");
    return 0;
}

static int cmd_pin_cfg(const probe_args_t *args) {
    return done(esp_gpio_config(U(0), (int)A(1), (int)A(2)));
}

static int cmd_pin_set(const probe_args_t *args) {
    return done(esp_gpio_write(U(0), (int)A(1)));
}

static int cmd_pin_get(const probe_args_t *args) {
    int v = esp_gpio_read(U(0));
    if (v < 0) {
        return v;
    }
    probe_ok();
    probe_num(v);
    return 0;
}

static void pin_callback(unsigned pin, void *arg) {
    (void)arg;
    pin_events[pin]++;
    pin_last_level[pin] = (uint32_t)esp_gpio_read(pin);
    /* Level triggers keep firing while the level holds: count once, then switch off. */
    if ((uintptr_t)arg >= ESP_GPIO_IRQ_LOW) {
        esp_gpio_irq(pin, ESP_GPIO_IRQ_NONE, NULL, NULL);
    }
}

static int cmd_pin_irq(const probe_args_t *args) {
    if (U(0) < 32u && A(1) != ESP_GPIO_IRQ_NONE) {
        pin_events[U(0)] = 0;
    }
    return done(esp_gpio_irq(U(0), (int)A(1), pin_callback, (void *)(uintptr_t)A(1)));
}

static int cmd_pin_count(const probe_args_t *args) {
    if (U(0) >= 32u) {
        return -EINVAL;
    }
    probe_ok();
    probe_num(pin_events[U(0)]);
    probe_num(pin_last_level[U(0)]);
    return 0;
}

static int cmd_uart_init(const probe_args_t *args) {
    int rc = esp_uart_init(U(0), (uint32_t)A(1), (int)A(2), (int)A(3));
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_num(esp_uart_baud(U(0)));
    return 0;
}

static int cmd_uart_write(const probe_args_t *args) {
    int rc = esp_uart_write(U(0), args->bytes, args->nbytes, 100u);
    if (rc < 0) {
        return rc;
    }
    esp_uart_flush(U(0), 100u);
    probe_ok();
    probe_num(rc);
    return 0;
}

static int cmd_uart_read(const probe_args_t *args) {
    size_t n = U(1) < sizeof buffer ? U(1) : sizeof buffer;
    int rc = esp_uart_read(U(0), buffer, n, (uint32_t)A(2));
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_hex(buffer, (size_t)rc);
    return 0;
}

static int cmd_usb_write(const probe_args_t *args) {
    int rc = esp_usb_serial_write(args->bytes, args->nbytes, (uint32_t)A(0));
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_num(rc);
    return 0;
}

/* Polled: up to N bytes the host sent, waiting at most T microseconds for the first. */
static int cmd_usb_read(const probe_args_t *args) {
    size_t n = U(0) < sizeof buffer ? U(0) : sizeof buffer;
    size_t got = 0;
    uint32_t start = hal_ticks_us();
    while (got < n) {
        int c = esp_usb_serial_read();
        if (c >= 0) {
            buffer[got++] = (uint8_t)c;
        } else if (got > 0u || hal_ticks_us() - start > (uint32_t)A(1)) {
            break;
        }
    }
    probe_ok();
    probe_hex(buffer, got);
    return 0;
}

static int cmd_i2c_init(const probe_args_t *args) {
    int rc = esp_i2c_init(0, (int)A(0), (int)A(1), (uint32_t)A(2), args->count > 3u ? (uint32_t)A(3) : 0u);
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_num(esp_i2c_freq(0));
    return 0;
}

static int cmd_i2c_write(const probe_args_t *args) {
    return done(esp_i2c_write(0, (uint8_t)A(0), args->bytes, args->nbytes, (int)A(1)));
}

static int cmd_i2c_read(const probe_args_t *args) {
    size_t n = U(1) < sizeof buffer ? U(1) : sizeof buffer;
    int rc = esp_i2c_read(0, (uint8_t)A(0), buffer, n, (int)A(2));
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_hex(buffer, n);
    return 0;
}

static int cmd_i2c_scan(const probe_args_t *args) {
    (void)args;
    probe_ok();
    for (unsigned addr = 0x08; addr < 0x78u; addr++) {
        if (esp_i2c_write(0, (uint8_t)addr, NULL, 0, 1) == 0) {
            probe_num(addr);
        }
    }
    return 0;
}

static int cmd_spi_init(const probe_args_t *args) {
    int rc = esp_spi_init(2, (uint32_t)A(0), U(1), (int)A(2), (int)A(3), (int)A(4), args->count > 5u ? (int)A(5) : 0);
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_num(esp_spi_baud(2));
    return 0;
}

static int cmd_spi_xfer(const probe_args_t *args) {
    int rc = esp_spi_transfer(2, args->bytes, buffer, args->nbytes, 0xFF);
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_hex(buffer, args->nbytes);
    return 0;
}

static int cmd_adc_read(const probe_args_t *args) {
    int channel = esp_adc_channel_of_pin(U(0));
    if (channel < 0) {
        return channel;
    }
    esp_adc_config_pin(U(0));
    int v = esp_adc_read_raw((unsigned)channel, U(1));
    if (v < 0) {
        return v;
    }
    probe_ok();
    probe_num(v);
    return 0;
}

static int cmd_pwm_timer(const probe_args_t *args) {
    int rc = esp_pwm_timer_config(U(0), (uint32_t)A(1));
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_num(esp_pwm_timer_freq(U(0)));
    probe_num(esp_pwm_timer_bits(U(0)));
    return 0;
}

static int cmd_pwm_ch(const probe_args_t *args) {
    int rc = esp_pwm_channel_config(U(0), U(1), U(2), (uint32_t)A(3));
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_num(esp_pwm_get_duty(U(0)));
    return 0;
}

static int cmd_pwm_duty(const probe_args_t *args) {
    int rc = esp_pwm_set_duty(U(0), (uint32_t)A(1));
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_num(esp_pwm_get_duty(U(0)));
    return 0;
}

static int cmd_pwm_stop(const probe_args_t *args) {
    return done(esp_pwm_channel_stop(U(0), (int)A(1)));
}

static void timer_callback(unsigned id, void *arg) {
    (void)arg;
    timer_events[id]++;
}

static int cmd_tim_start(const probe_args_t *args) {
    if (U(0) < ESP_TIMER_COUNT) {
        timer_events[U(0)] = 0;
    }
    return done(esp_timer_start(U(0), (uint64_t)A(1), (int)A(2), timer_callback, NULL));
}

static int cmd_tim_count(const probe_args_t *args) {
    if (U(0) >= ESP_TIMER_COUNT) {
        return -EINVAL;
    }
    probe_ok();
    probe_num(timer_events[U(0)]);
    probe_num(esp_timer_count_us(U(0)));
    return 0;
}

static int cmd_tim_stop(const probe_args_t *args) {
    return done(esp_timer_stop(U(0)));
}

static int cmd_wdt_start(const probe_args_t *args) {
    return done(esp_wdt_start(U(0), (uint32_t)A(1)));
}

static int cmd_wdt_feed(const probe_args_t *args) {
    return done(esp_wdt_feed(U(0)));
}

static int cmd_wdt_stop(const probe_args_t *args) {
    return done(esp_wdt_stop(U(0)));
}

static int cmd_freq_get(const probe_args_t *args) {
    (void)args;
    probe_ok();
    probe_num(esp_freq_get());
    probe_num(esp_freq_pll_available());
    return 0;
}

static int cmd_freq_set(const probe_args_t *args) {
    int rc = esp_freq_set((uint32_t)A(0));
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_num(esp_freq_get());
    return 0;
}

static int cmd_mac(const probe_args_t *args) {
    (void)args;
    uint8_t mac[6];
    esp_base_mac(mac);
    probe_ok();
    probe_hex(mac, sizeof mac);
    return 0;
}

static int cmd_cause(const probe_args_t *args) {
    (void)args;
    probe_ok();
    probe_num(esp_reset_reason());
    probe_num(esp_reset_cause());
    return 0;
}

static int cmd_reset(const probe_args_t *args) {
    (void)args;
    hal_reset();
}

static int cmd_bootloader(const probe_args_t *args) {
    (void)args;
    esp_enter_bootloader();
}

static int cmd_delay(const probe_args_t *args) {
    hal_delay_ms((uint32_t)A(0));
    probe_ok();
    return 0;
}

static int cmd_exit(const probe_args_t *args) {
    hal_exit((int)A(0));
}

static int cmd_fs_init(const probe_args_t *args) {
    (void)args;
    int rc = esp_flash_vfs_init();
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_num(esp_flash_vfs_offset());
    probe_num(esp_flash_vfs_size());
    return 0;
}

static int cmd_fs_read(const probe_args_t *args) {
    size_t n = U(1) < sizeof buffer ? U(1) : sizeof buffer;
    int rc = esp_flash_vfs_read((uint32_t)A(0), buffer, n);
    if (rc < 0) {
        return rc;
    }
    probe_ok();
    probe_hex(buffer, n);
    return 0;
}

static int cmd_fs_erase(const probe_args_t *args) {
    return done(esp_flash_vfs_erase((uint32_t)A(0), (size_t)A(1)));
}

static int cmd_fs_write(const probe_args_t *args) {
    return done(esp_flash_vfs_write((uint32_t)A(0), args->bytes, args->nbytes));
}

/* Erase, program and read back `kb` KiB at `offset` with a counting pattern; times each phase. */
static int cmd_fs_bench(const probe_args_t *args) {
    uint32_t offset = (uint32_t)A(0), bytes = (uint32_t)A(1) * 1024u;
    uint32_t t0 = hal_ticks_us();
    int rc = esp_flash_vfs_erase(offset, bytes);
    if (rc < 0) {
        return rc;
    }
    uint32_t t1 = hal_ticks_us();
    for (uint32_t pos = 0; pos < bytes && rc == 0; pos += 256u) {
        for (unsigned i = 0; i < 256u; i++) {
            buffer[i] = (uint8_t)(pos / 256u + i);
        }
        rc = esp_flash_vfs_write(offset + pos, buffer, 256u);
    }
    if (rc < 0) {
        return rc;
    }
    uint32_t t2 = hal_ticks_us();
    uint32_t bad = 0;
    for (uint32_t pos = 0; pos < bytes && rc == 0; pos += 256u) {
        rc = esp_flash_vfs_read(offset + pos, buffer, 256u);
        for (unsigned i = 0; i < 256u; i++) {
            bad += buffer[i] != (uint8_t)(pos / 256u + i);
        }
    }
    if (rc < 0) {
        return rc;
    }
    uint32_t t3 = hal_ticks_us();
    probe_ok();
    probe_num(t1 - t0);
    probe_num(t2 - t1);
    probe_num(t3 - t2);
    probe_num(bad);
    return 0;
}

const probe_cmd_t probe_commands[] = {
    {"ping", 0, cmd_ping},
    {"pin.cfg", 3, cmd_pin_cfg},
    {"pin.set", 2, cmd_pin_set},
    {"pin.get", 1, cmd_pin_get},
    {"pin.irq", 2, cmd_pin_irq},
    {"pin.count", 1, cmd_pin_count},
    {"uart.init", 4, cmd_uart_init},
    {"uart.write", 1, cmd_uart_write},
    {"uart.read", 3, cmd_uart_read},
    {"usb.write", 1, cmd_usb_write},
    {"usb.read", 2, cmd_usb_read},
    {"i2c.init", 3, cmd_i2c_init},
    {"i2c.write", 2, cmd_i2c_write},
    {"i2c.read", 3, cmd_i2c_read},
    {"i2c.scan", 0, cmd_i2c_scan},
    {"spi.init", 5, cmd_spi_init},
    {"spi.xfer", 0, cmd_spi_xfer},
    {"adc.read", 2, cmd_adc_read},
    {"pwm.timer", 2, cmd_pwm_timer},
    {"pwm.ch", 4, cmd_pwm_ch},
    {"pwm.duty", 2, cmd_pwm_duty},
    {"pwm.stop", 2, cmd_pwm_stop},
    {"tim.start", 3, cmd_tim_start},
    {"tim.count", 1, cmd_tim_count},
    {"tim.stop", 1, cmd_tim_stop},
    {"wdt.start", 2, cmd_wdt_start},
    {"wdt.feed", 1, cmd_wdt_feed},
    {"wdt.stop", 1, cmd_wdt_stop},
    {"freq.get", 0, cmd_freq_get},
    {"freq.set", 1, cmd_freq_set},
    {"mac", 0, cmd_mac},
    {"cause", 0, cmd_cause},
    {"reset", 0, cmd_reset},
    {"bootloader", 0, cmd_bootloader},
    {"delay", 1, cmd_delay},
    {"exit", 1, cmd_exit},
    {"fs.init", 0, cmd_fs_init},
    {"fs.read", 2, cmd_fs_read},
    {"fs.erase", 2, cmd_fs_erase},
    {"fs.write", 1, cmd_fs_write},
    {"fs.bench", 2, cmd_fs_bench},
    {NULL, 0, NULL},
};
