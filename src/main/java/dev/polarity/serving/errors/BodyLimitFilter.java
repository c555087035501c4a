package dev.polarity.serving.errors;

import dev.polarity.serving.PolarityProperties;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Caps every request body at {@link PolarityProperties#bodyLimitBytes()}. Tomcat reads a body
 * only as the application asks for it and Jackson builds its tree as it reads, so the cap sits
 * in the stream: a declared Content-Length over the cap fails the first read, before a byte is
 * taken, and a chunked body fails the read that crosses it. The {@link PayloadTooLargeException}
 * surfaces while the controller's argument is read, so {@link ProblemHandler} answers the same
 * counted 413 problem as for a text over the limit; Tomcat then drops the rest of the body.
 */
@Component
class BodyLimitFilter extends OncePerRequestFilter {
    private final long limit;

    BodyLimitFilter(PolarityProperties properties) {
        this.limit = properties.bodyLimitBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        chain.doFilter(new CappedRequest(request, limit), response);
    }

    static PayloadTooLargeException tooLarge(long limit) {
        return new PayloadTooLargeException("The request body is larger than " + limit + " bytes.");
    }

    /** Hands out one capped stream per request, so every reader of the body shares its count. */
    private static final class CappedRequest extends HttpServletRequestWrapper {
        private final long limit;
        private CappedStream stream;
        private BufferedReader reader;

        CappedRequest(HttpServletRequest request, long limit) {
            super(request);
            this.limit = limit;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            if (stream == null) {
                stream = new CappedStream(super.getInputStream(), getContentLengthLong(), limit);
            }
            return stream;
        }

        @Override
        public BufferedReader getReader() throws IOException {
            if (reader == null) {
                reader = new BufferedReader(new InputStreamReader(getInputStream(), charset()));
            }
            return reader;
        }

        private Charset charset() throws UnsupportedEncodingException {
            String encoding = getCharacterEncoding();
            if (encoding == null) {
                return StandardCharsets.ISO_8859_1; // the servlet default
            }
            try {
                return Charset.forName(encoding);
            } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
                throw new UnsupportedEncodingException(encoding);
            }
        }
    }

    /** Counts what is read and refuses the read that would pass the cap. */
    private static final class CappedStream extends ServletInputStream {
        private final ServletInputStream in;
        private final long declared;
        private final long limit;
        private long read;

        CappedStream(ServletInputStream in, long declared, long limit) {
            this.in = in;
            this.declared = declared;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            check();
            int b = in.read();
            if (b >= 0) {
                count(1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            check();
            // One byte past the cap is enough to know it is passed: never pull more than that.
            int n = in.read(b, off, (int) Math.min(len, limit - read + 1));
            if (n > 0) {
                count(n);
            }
            return n;
        }

        private void check() {
            if (declared > limit || read > limit) {
                throw tooLarge(limit);
            }
        }

        private void count(int n) {
            read += n;
            check();
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }
    }
}
