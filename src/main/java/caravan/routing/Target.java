package caravan.routing;

/** A provider and the model it is asked for: what one attempt calls. */
public record Target(String provider, String model) {

    /** Parses {@code provider/model}; everything after the first slash is the provider's model name. */
    public static Target parse(String providerSlashModel) {
        int slash = providerSlashModel.indexOf('/');
        if (slash <= 0 || slash == providerSlashModel.length() - 1) {
            throw new IllegalArgumentException("'" + providerSlashModel + "' is not provider/model");
        }
        return new Target(providerSlashModel.substring(0, slash), providerSlashModel.substring(slash + 1));
    }

    @Override
    public String toString() {
        return provider + "/" + model;
    }
}
