using Dapr.Client.Autogen.Grpc.v1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;

namespace Sidecart.Events.Tests.Support;

/// <summary>The state rpcs of Dapr's gRPC API over a <see cref="FakeStateStore"/>: what DaprClient calls for state.</summary>
public sealed class FakeDaprService(FakeStateStore store)
{
    public Task<GetStateResponse> GetState(GetStateRequest request)
    {
        var (value, etag) = store.Get(request.Key);
        var response = new GetStateResponse { Etag = etag };
        if (value is not null)
        {
            response.Data = ByteString.CopyFrom(value);
        }

        return Task.FromResult(response);
    }

    public Task<GetBulkStateResponse> GetBulkState(GetBulkStateRequest request)
    {
        var response = new GetBulkStateResponse();
        foreach (var key in request.Keys)
        {
            var (value, etag) = store.Get(key);
            var item = new BulkStateItem { Key = key, Etag = etag };
            if (value is not null)
            {
                item.Data = ByteString.CopyFrom(value);
            }

            response.Items.Add(item);
        }

        return Task.FromResult(response);
    }

    public Task<Empty> SaveState(SaveStateRequest request)
    {
        foreach (var item in request.States)
        {
            store.Save(item.Key, item.Value.ToByteArray(), item.Etag?.Value, item.Options?.Concurrency == StateOptions.Types.StateConcurrency.ConcurrencyFirstWrite,
                item.Metadata.ToDictionary(m => m.Key, m => m.Value));
        }

        return Task.FromResult(new Empty());
    }
}

/// <summary>Binds the rpcs by hand: the Dapr packages ship messages and client stubs, no server base class.</summary>
public sealed class FakeDaprMethods : IServiceMethodProvider<FakeDaprService>
{
    private const string ServiceName = "dapr.proto.runtime.v1.Dapr";

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<FakeDaprService> context)
    {
        Unary<GetStateRequest, GetStateResponse>(context, "GetState", (s, r) => s.GetState(r));
        Unary<GetBulkStateRequest, GetBulkStateResponse>(context, "GetBulkState", (s, r) => s.GetBulkState(r));
        Unary<SaveStateRequest, Empty>(context, "SaveState", (s, r) => s.SaveState(r));
    }

    private static void Unary<TRequest, TResponse>(
        ServiceMethodProviderContext<FakeDaprService> context, string name, Func<FakeDaprService, TRequest, Task<TResponse>> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new()
    {
        var method = new Method<TRequest, TResponse>(MethodType.Unary, ServiceName, name, MarshallerOf<TRequest>(), MarshallerOf<TResponse>());
        context.AddUnaryMethod(method, [], (service, request, _) => handler(service, request));
    }

    private static Marshaller<T> MarshallerOf<T>() where T : class, IMessage<T>, new()
    {
        var parser = new MessageParser<T>(() => new T());
        return Marshallers.Create(message => message.ToByteArray(), parser.ParseFrom);
    }
}
