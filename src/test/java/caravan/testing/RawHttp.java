package caravan.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A client that speaks HTTP/1.1 by hand over a socket, for what well-behaved clients never do: stall,
 * dribble, half-close, pipeline, send bytes that are not HTTP. Reads are bounded by a timeout so a test
 * never hangs on a gateway that does not answer.
 */
public final class RawHttp implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    private RawHttp(Socket socket) throws IOException {
        this.socket = socket;
        this.out = socket.getOutputStream();
        this.in = socket.getInputStream();
    }

    public static RawHttp connect(int port) {
        try {
            Socket socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            return new RawHttp(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A request head for a JSON POST; the body (of {@code contentLength} bytes) is sent separately. */
    public static String postHead(String path, long contentLength, String... headers) {
        StringBuilder head = new StringBuilder("POST ").append(path).append(" HTTP/1.1\r\nHost: gateway\r\n")
                .append("Content-Type: application/json\r\nContent-Length: ").append(contentLength).append("\r\n");
        for (int i = 0; i < headers.length; i += 2) {
            head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
        }
        return head.append("\r\n").toString();
    }

    /** A whole JSON POST. */
    public static String post(String path, String json, String... headers) {
        return postHead(path, json.getBytes(StandardCharsets.UTF_8).length, headers) + json;
    }

    public RawHttp send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public RawHttp send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Shuts down the sending side only: the request is complete, the answer is still wanted. */
    public RawHttp halfClose() {
        try {
            socket.shutdownOutput();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public RawHttp timeout(int millis) {
        try {
            socket.setSoTimeout(millis);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Everything the gateway sends until it closes the connection (or the read timeout passes). */
    public String readToClose() {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("The connection was still open after the read timeout; got so far: "
                    + received.toString(StandardCharsets.UTF_8));
        } catch (IOException reset) {
            // a reset ends the reading as a close does
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    /** One whole response: its head and a Content-Length or chunked body. */
    public Response readResponse() {
        try {
            String head = readHead();
            Response response = Response.parse(head);
            String length = response.header("content-length");
            if (length != null) {
                response.body = new String(in.readNBytes(Integer.parseInt(length.trim())), StandardCharsets.UTF_8);
            } else if ("chunked".equalsIgnoreCase(response.header("transfer-encoding"))) {
                response.body = readChunked();
            }
            return response;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** True when the gateway closed the connection (a read sees its end, or a reset) within the read timeout. */
    public boolean closedByPeer() {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("The connection closed before a response head; got: "
                        + head.toString(StandardCharsets.UTF_8));
            }
            head.write(b);
            matched = (b == '\r' || b == '\n') && "\r\n\r\n".charAt(matched) == b ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private String readChunked() throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = readLine();
            int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
            if (size == 0) {
                readLine();
                return body.toString(StandardCharsets.UTF_8);
            }
            body.write(in.readNBytes(size));
            readLine();
        }
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test socket
        }
    }

    /** A response as read off the wire. */
    public static final class Response {
        public final int status;
        public final String head;
        private String body = "";

        private Response(int status, String head) {
            this.status = status;
            this.head = head;
        }

        static Response parse(String head) {
            String statusLine = head.substring(0, head.indexOf("\r\n"));
            return new Response(Integer.parseInt(statusLine.split(" ")[1]), head);
        }

        public String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }

        public String body() {
            return body;
        }
    }
}
