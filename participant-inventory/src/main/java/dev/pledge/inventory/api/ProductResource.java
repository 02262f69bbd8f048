package dev.pledge.inventory.api;

import java.util.List;

import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import dev.pledge.common.problem.ProblemException;
import dev.pledge.inventory.store.Product;

@Path("/products")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "Products")
public class ProductResource {
    public static final String SKU = "[A-Z0-9][A-Z0-9-]{0,31}";

    public record ProductView(String sku, String name, int stock) {
        static ProductView of(Product p) {
            return new ProductView(p.sku, p.name, p.stock);
        }
    }

    @GET
    @Operation(summary = "All products with their stock")
    public List<ProductView> list() {
        return Product.<Product>listAll(io.quarkus.panache.common.Sort.by("sku")).stream().map(ProductView::of).toList();
    }

    @GET
    @Path("/{sku}")
    @Operation(summary = "One product with its stock")
    public ProductView get(@PathParam("sku") @Pattern(regexp = SKU, message = "must be 1-32 upper-case letters, digits or '-'") String sku) {
        Product p = Product.findById(sku);
        if (p == null) {
            throw ProblemException.notFound("no product with sku " + sku);
        }
        return ProductView.of(p);
    }
}
