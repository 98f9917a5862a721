package caravan.store;

/**
 * The database failed a store call or could not be reached: a reason to degrade (503, keep the last view),
 * unlike the {@link IllegalStateException} of a duplicate, which is the caller's mistake.
 */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
