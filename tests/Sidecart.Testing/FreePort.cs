using System.Net;
using System.Net.Sockets;

namespace Sidecart.Testing;

/// <summary>Loopback ports for servers that must be told their port before they start (apps, sidecars, redis-server).
/// <para>A port the OS hands out for port 0 and that is released again lies in the ephemeral range, where every
/// outgoing connection of the machine also takes its local port, and another test assembly may be handed the same
/// one: the server that binds it later then fails now and then. So ports come from below the ephemeral range (Linux
/// starts it at 32768), above the ports <c>make run</c> uses, and each is reserved across processes by an exclusive
/// lock on a file named after it, held until this process exits (a killed process releases it too).</para></summary>
public static class FreePort
{
    private const int First = 20_000;
    private const int Last = 32_000;

    private static readonly string LockFolder = Path.Combine(Path.GetTempPath(), "sidecart-test-ports");
    private static readonly List<FileStream> Held = [];
    private static int _next = Random.Shared.Next(First, Last + 1);

    /// <summary>A port no other test process holds and nothing listens on; this process keeps it to itself.</summary>
    public static int Next()
    {
        Directory.CreateDirectory(LockFolder);
        lock (Held)
        {
            for (var tried = 0; tried <= Last - First; tried++)
            {
                var port = _next;
                _next = port == Last ? First : port + 1;
                if (TryReserve(port))
                {
                    return port;
                }
            }
        }

        throw new InvalidOperationException($"every port from {First} to {Last} is held or in use");
    }

    private static bool TryReserve(int port)
    {
        FileStream held;
        try
        {
            held = new FileStream(Path.Combine(LockFolder, port.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return false;   // Another test process holds it.
        }

        if (!IsBindable(port))
        {
            held.Dispose();
            return false;
        }

        Held.Add(held);
        return true;
    }

    /// <summary>Nothing listens on <paramref name="port"/> of loopback right now.</summary>
    public static bool IsBindable(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
