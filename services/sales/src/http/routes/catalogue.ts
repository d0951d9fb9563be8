import { crudRoutes, type RouteSpec } from "@relata/platform/http";
import { CreatePriceListRequest, ListPriceListsRequest, UpdatePriceListRequest } from "@relata/proto/sales/v1/price_list";
import { CreateProductRequest, ListProductsRequest, UpdateProductRequest } from "@relata/proto/sales/v1/product";
import type { SalesClients } from "../../client";
import { priceList, product } from "../../resources";

export function productRoutes(sales: SalesClients): RouteSpec[] {
  return crudRoutes(
    product,
    {
      list: async (request, call) => {
        const res = await sales.products.listProducts(ListProductsRequest.fromPartial(request), call);
        return { records: res.products, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => sales.products.createProduct(CreateProductRequest.fromPartial(request), call),
      get: (request, call) => sales.products.getProduct(request, call),
      update: (request, call) => sales.products.updateProduct(UpdateProductRequest.fromPartial(request), call),
      delete: (request, call) => sales.products.deleteProduct(request, call),
      restore: (request, call) => sales.products.restoreProduct(request, call),
    },
    // A product is active unless the create says otherwise.
    { tag: "Products", createDefaults: (body) => ({ ...body, active: body.active ?? true }) },
  );
}

export function priceListRoutes(sales: SalesClients): RouteSpec[] {
  return crudRoutes(
    priceList,
    {
      list: async (request, call) => {
        const res = await sales.priceLists.listPriceLists(ListPriceListsRequest.fromPartial(request), call);
        return { records: res.priceLists, nextCursor: res.page?.nextCursor };
      },
      create: (request, call) => sales.priceLists.createPriceList(CreatePriceListRequest.fromPartial(request), call),
      get: (request, call) => sales.priceLists.getPriceList(request, call),
      update: (request, call) => sales.priceLists.updatePriceList(UpdatePriceListRequest.fromPartial(request), call),
      delete: (request, call) => sales.priceLists.deletePriceList(request, call),
      restore: (request, call) => sales.priceLists.restorePriceList(request, call),
    },
    { tag: "Price lists" },
  );
}
