package dev.pledge.saga.service;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonFormat;

/** An order a saga carries out: qty units of sku from inventory, amount charged to account in payment. */
public record Order(String sku, int qty, String account, @JsonFormat(shape = JsonFormat.Shape.STRING) BigDecimal amount) {

    public String describe() {
        return qty + " x " + sku + " for " + amount.toPlainString() + " from " + account;
    }
}
