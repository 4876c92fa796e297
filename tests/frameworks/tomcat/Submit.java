// /api/submit: 200 JSON to GET, PUT, DELETE and POST. OPTIONS is HttpServlet's own answer (200 and an
// Allow header, no CORS headers).
import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

public class Submit extends HttpServlet {
    private void ok(HttpServletResponse res) throws IOException {
        res.setContentType("application/json");
        res.getWriter().write("{\"ok\":true}");
    }

    @Override protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException { ok(res); }
    @Override protected void doPut(HttpServletRequest req, HttpServletResponse res) throws IOException { ok(res); }
    @Override protected void doDelete(HttpServletRequest req, HttpServletResponse res) throws IOException { ok(res); }
    @Override protected void doPost(HttpServletRequest req, HttpServletResponse res) throws IOException { ok(res); }
}
