package dev.pledge.inventory.store;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;

/** A product and its stock on hand. Stock changes only through prepared branches. */
@Entity
@Table(name = "products")
public class Product extends PanacheEntityBase {
    @Id
    public String sku;
    public String name;
    public int stock;
}
