package caravan.api;

/** The client closed its connection before the answer ended; nothing more can be sent to it. */
public final class ClientGoneException extends GatewayException {

    public static final ClientGoneException INSTANCE = new ClientGoneException();

    private ClientGoneException() {
        super(499, ErrorType.INVALID_REQUEST, "client_closed_request", null, "The client closed the connection.");
    }
}
