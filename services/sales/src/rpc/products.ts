import { AlreadyExists, implement, isDuplicateKey, recycleBinHandlers, type ServiceRegistration } from "@relata/platform";
import { resourceHandlers, serviceSchemas, toMessage } from "@relata/platform/resource";
import { ProductServiceService } from "@relata/proto/sales/v1/product";
import type { ProductRecord } from "../domain/catalogue";
import { productEvent } from "../events/commerce";
import { product } from "../resources";
import type { CommerceDeps } from "./commerce-context";

export const productSchemas = serviceSchemas(product);

const toProduct = (r: ProductRecord) => toMessage(product, r);

/** A product's code is unique in the tenant (a unique index): a clash is 409 naming the code. */
async function uniqueCode<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isDuplicateKey(err)) throw new AlreadyExists("code: another product of the tenant has this code", "code");
    throw err;
  }
}

export function productService({ commerce, logger }: CommerceDeps): ServiceRegistration {
  const crud = resourceHandlers(product, commerce.products, productEvent, {});
  // Quote lines copy what they offer (code, name, unit), so nothing depends on a product.
  const bin = recycleBinHandlers(commerce.products, toProduct, productEvent);
  return implement(
    ProductServiceService,
    {
      // A product is active unless the create says otherwise.
      createProduct: (request, ctx) => uniqueCode(() => crud.create({ ...request, active: request.active ?? true }, ctx)),
      getProduct: crud.get,
      listProducts: async (request, ctx) => {
        const { rows, nextCursor } = await crud.list(request, ctx);
        return { products: rows, page: { nextCursor } };
      },
      updateProduct: (request, ctx) => uniqueCode(() => crud.update(request, ctx)),
      deleteProduct: bin.delete,
      restoreProduct: (request, ctx) => uniqueCode(() => bin.restore(request, ctx)),
    },
    logger,
  );
}
