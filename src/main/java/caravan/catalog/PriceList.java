package caravan.catalog;

/** One source of list prices: a {@code models.yaml}, or a LiteLLM price file. */
@FunctionalInterface
public interface PriceList {

    /** The price of {@code model} as served by {@code provider}, or null when this list has none. */
    ModelPrice price(String provider, String model);
}
