using System.Net;
using System.Net.Sockets;

namespace LocalSidecar.Runner;

/// <summary>A loopback port that was free a moment ago, for apps that must be told their port before they start.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
