using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Sidecart.Testing;

/// <summary>A loopback port that is bound and listening from the moment it is created, for an app whose port must be
/// known before the app starts (its sidecar is told it first). Kestrel then serves on this very socket, so no other
/// process can take the port in between, as it can with a port picked, released and bound again.</summary>
public sealed class ReservedPort : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public ReservedPort()
    {
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _socket.Listen(512);
        Port = ((IPEndPoint)_socket.LocalEndPoint!).Port;
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    /// <summary>Makes Kestrel accept on this socket. Kestrel does not take it over: dispose this after the server stops.</summary>
    public void ServeWith(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.ListenHandle((ulong)_socket.Handle);
    }

    public ValueTask DisposeAsync()
    {
        _socket.Dispose();
        return ValueTask.CompletedTask;
    }
}
