// Embedded Tomcat for the framework matrix (tests/frameworks/adapters/tomcat.mjs): one connector on
// 127.0.0.1:<port>, one web application at "/" read from <workdir>/webapp (its WEB-INF/web.xml holds
// the CORS configuration under test). Usage: java Main <workdir> <port>
import java.io.File;

import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;

public class Main {
    public static void main(String[] args) throws Exception {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(new File(args[0], "tomcat").getAbsolutePath());
        Connector connector = new Connector();
        connector.setPort(Integer.parseInt(args[1]));
        connector.setProperty("address", "127.0.0.1");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        // Only the application's own web.xml: no default servlet or JSP engine.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        tomcat.addWebapp("", new File(args[0], "webapp").getAbsolutePath());
        tomcat.start();
        tomcat.getServer().await();
    }
}
