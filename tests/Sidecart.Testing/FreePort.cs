using System.Net;
using System.Net.Sockets;

namespace Sidecart.Testing;

/// <summary>Loopback ports nobody is listening on right now.</summary>
public static class FreePort
{
    /// <summary>A port the OS just handed out for loopback and released again; another process may still take it first.</summary>
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
