// CORS written by hand, for the mistakes Tomcat's CorsFilter cannot make (the broken configurations):
// init-param `headers` holds "Name: value" lines set on answers; `preflight` true answers OPTIONS with
// 204 and those headers, false leaves OPTIONS to the servlet and sets nothing on it.
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

public class HandRolledCors extends HttpFilter {
    private final List<String[]> headers = new ArrayList<>();
    private boolean preflight;

    @Override
    public void init() {
        for (String line : getInitParameter("headers").split("\n")) {
            int colon = line.indexOf(':');
            if (colon > 0) headers.add(new String[] { line.substring(0, colon).trim(), line.substring(colon + 1).trim() });
        }
        preflight = Boolean.parseBoolean(getInitParameter("preflight"));
    }

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain) throws IOException, ServletException {
        boolean options = "OPTIONS".equals(req.getMethod());
        if (options && !preflight) {
            chain.doFilter(req, res);
            return;
        }
        for (String[] h : headers) res.setHeader(h[0], h[1]);
        if (options) {
            res.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        chain.doFilter(req, res);
    }
}
